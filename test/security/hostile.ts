/**
 * Building blocks of the hostile-input suites: generators of hostile strings, ids, JSON bodies,
 * Authorization headers and query strings (fast-check), the OpenAPI walk that finds the endpoints
 * to attack, and the bookkeeping that proves nothing was written.
 *
 * JSON bodies are built as text (see `toJson`), not with JSON.stringify, so that they can hold
 * what a JavaScript object cannot: an own `__proto__` key, duplicate keys, `-0`, `1e400`,
 * deep nesting and malformed numbers.
 */
import { parse as parseQuery } from 'node:querystring';
import { EVENT_STORE, EventStore } from '@pat/event-store';
import { TokenUsageRecorder } from '@pat/tokens/usage/token-usage-recorder';
import fc from 'fast-check';
import type { TestApp } from '../support/test-app';

// ---------------------------------------------------------------------------------------------
// Runs: moderate by default, reproducible by seed.
// ---------------------------------------------------------------------------------------------

/** fast-check parameters: FC_SEED and FC_NUM_RUNS override; the seed is printed up front. */
export function runParameters(property: string, numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FC_SEED
    ? Number(process.env.FC_SEED)
    : Date.now() ^ (Math.random() * 0x7fffffff);
  const runs = process.env.FC_NUM_RUNS ? Number(process.env.FC_NUM_RUNS) : numRuns;
  seedsUsed.push({ property, seed, numRuns: runs });
  return { seed, numRuns: runs, verbose: 0 };
}

/** Every property run of this process: printed by the suites so a failure can be replayed. */
export const seedsUsed: { property: string; seed: number; numRuns: number }[] = [];

// ---------------------------------------------------------------------------------------------
// JSON as text
// ---------------------------------------------------------------------------------------------

/** JSON text spliced in as is (numbers JSON.stringify cannot write, malformed literals, depth). */
export class Raw {
  constructor(readonly text: string) {}
}

/** An object as its list of entries: own `__proto__` keys and duplicates survive. */
export class Obj {
  constructor(readonly entries: ReadonlyArray<readonly [string, Hostile]>) {}
}

export type Hostile = string | number | boolean | null | Raw | Obj | Hostile[];

export function toJson(value: Hostile): string {
  if (value instanceof Raw) return value.text;
  if (value instanceof Obj) {
    return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  return JSON.stringify(value);
}

/** Nesting depth of parsed JSON (an iterative walk: the value may be thousands of levels deep). */
export function jsonDepth(text: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 0;
  }
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[parsed, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Top-level own keys of the body, when it parses as a JSON object. */
export function topLevelKeys(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? Object.keys(parsed)
      : [];
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile strings and values
// ---------------------------------------------------------------------------------------------

const CHARS = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\b',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u00ad',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ufffd',
  '\uffff',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '\ud83d\ude00',
  '\u0301',
  '\ufdfa',
  '\u0130',
  '\u00df',
  '\u01c5',
  '\u05d0',
  '\u0627',
  '\u{10ffff}',
  '"',
  '\\',
  '/',
  '<',
  '>',
  '&',
  "'",
  '`',
  '$',
  '{',
  '}',
  '%',
  '+',
  '#',
  '?',
  '=',
  ';',
  ',',
  ' ',
  '.',
  '*',
  ':',
  '@',
];

/** One UTF-16 code unit or code point, biased towards the troublesome ones. */
const hostileChar = fc.oneof(
  { arbitrary: fc.constantFrom(...CHARS), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }), weight: 2 },
);

export const SPECIAL_STRINGS = [
  '',
  ' ',
  '   ',
  '\t',
  'null',
  'undefined',
  'true',
  'false',
  'NaN',
  '-NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '0',
  '1e308',
  '1e309',
  '-1e309',
  '9007199254740993',
  '0x10',
  '1_000',
  '01',
  '7 ',
  ' 7',
  '7\u0000',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'admin',
  'ADMIN',
  'admin\u0000',
  'admin ',
  '\u202eadmin',
  'adm\u200bin',
  '../../../../etc/passwd',
  '..',
  '.',
  '%00',
  '%2e%2e',
  '{"$gt":""}',
  '$where',
  '$ne',
  "' OR '1'='1",
  '"; DROP TABLE events; --',
  '<script>alert(1)</script>',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  'tgp_',
  'data_quality',
  'analyst',
  'Admin',
  ' admin',
  'catalog\u0000',
  '2026-W10-1',
  '2026-060',
  '2026-02-30T00:00:00Z',
  '2026-03-01T24:00:00Z',
  '2026-12-31T23:59:60Z',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '+275761-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '0000-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '2026-03-01t12:00:00z',
  '20260301T120000Z',
  '2026-03-01T12:00:00.1234567890123Z',
  '2026-03-01T12:00:00+25:00',
  '2027-03-01T12:00:00Z',
  'next tuesday',
  'alice@example.com',
  'a@b',
  '@',
  'alice@\u0000.com',
];

/** Long strings: well under, around and beyond the 16 kB body limit (as UTF-8 and as JSON). */
export const longString = fc
  .tuple(
    fc.constantFrom('x', '\u00e9', '\ud835\udd4f', '\u0000', '\u202e', 'ab ', '\ud800'),
    fc.oneof(fc.integer({ min: 65, max: 300 }), fc.integer({ min: 1000, max: 20_000 })),
  )
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...SPECIAL_STRINGS), weight: 4 },
  { arbitrary: fc.string({ unit: hostileChar, maxLength: 40 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }), weight: 1 },
  { arbitrary: longString, weight: 1 },
);

/** Numbers as JSON text, including the ones JSON.stringify cannot produce and malformed ones. */
export const hostileNumber: fc.Arbitrary<Hostile> = fc.oneof(
  fc.constantFrom(
    ...[
      '-0',
      '0',
      '1',
      '7',
      '30',
      '365',
      '3650',
      '3651',
      '-1',
      '1.5',
      '0.1',
      '1e308',
      '-1e308',
      '1e309',
      '1e-400',
      '4294967296',
      '9007199254740992',
      '9007199254740993',
      '1E2',
      '2.0',
      '100000000000000000000000000000000000000',
      '1e3',
    ].map((text) => new Raw(text)),
  ),
  fc.integer().map((n): Hostile => n),
  fc
    .double({ noNaN: true, noDefaultInfinity: true })
    .map((n): Hostile => new Raw(JSON.stringify(n))),
);

/** Literals that are not JSON at all: the body parser must answer 400, not fall over. */
export const malformedLiteral = fc.constantFrom(
  ...[
    'NaN',
    'Infinity',
    '-Infinity',
    '0x10',
    '01',
    '+1',
    '.5',
    '1.',
    'undefined',
    "'x'",
    '1_0',
  ].map((text) => new Raw(text)),
);

/** Nesting far beyond anything a DTO needs: arrays of arrays, objects of objects. */
export const deepValue: fc.Arbitrary<Raw> = fc
  .tuple(fc.constantFrom('array', 'object'), fc.integer({ min: 1, max: 5000 }))
  .map(([kind, depth]) =>
    kind === 'array'
      ? new Raw('['.repeat(depth) + ']'.repeat(depth))
      : new Raw('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  );

const isAdminTrue = new Obj([['isAdmin', true]]);
/** Classic prototype-pollution payloads, as JSON.parse would turn them into own keys. */
export const pollution: fc.Arbitrary<Obj> = fc.constantFrom(
  new Obj([['__proto__', isAdminTrue]]),
  new Obj([['constructor', new Obj([['prototype', isAdminTrue]])]]),
  new Obj([['prototype', isAdminTrue]]),
  new Obj([['__proto__', new Obj([['polluted', 'yes']])]]),
  new Obj([['__proto__', new Obj([['toString', 'not a function']])]]),
  new Obj([['__proto__', null]]),
  new Obj([['__proto__', [1, 2]]]),
  new Obj([['a', new Obj([['__proto__', isAdminTrue]])]]),
  new Obj([['constructor', null]]),
  new Obj([
    ['toString', 1],
    ['valueOf', 'x'],
    ['hasOwnProperty', null],
  ]),
);

export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
];

export function hostileKey(fields: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    ...(fields.length > 0 ? [{ arbitrary: fc.constantFrom(...fields), weight: 3 }] : []),
    { arbitrary: fc.constantFrom(...PROTOTYPE_KEYS), weight: 2 },
    {
      arbitrary: fc.constantFrom(
        '$where',
        '$gt',
        '$ne',
        'isAdmin',
        'isAuditor',
        'userId',
        'id',
        '',
        ' ',
      ),
      weight: 1,
    },
    { arbitrary: hostileString.filter((s) => s.length < 200), weight: 1 },
  );
}

const leaf = (fields: readonly string[]): fc.Arbitrary<Hostile> =>
  fc.oneof(
    { arbitrary: hostileString.map((s): Hostile => s), weight: 5 },
    { arbitrary: hostileNumber, weight: 3 },
    { arbitrary: fc.boolean().map((b): Hostile => b), weight: 1 },
    { arbitrary: fc.constant<Hostile>(null), weight: 1 },
    { arbitrary: deepValue.map((v): Hostile => v), weight: 1 },
    { arbitrary: pollution.map((v): Hostile => v), weight: 1 },
    { arbitrary: fc.constant<Hostile>(new Obj(fields.map((f) => [f, f]))), weight: 1 },
  );

/** Any JSON value, hostile at every level. */
export function hostileValue(fields: readonly string[] = []): {
  value: fc.Arbitrary<Hostile>;
  object: fc.Arbitrary<Obj>;
} {
  const tree = fc.letrec<{ value: Hostile; array: Hostile[]; object: Obj }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf(fields),
      tie('array'),
      tie('object'),
    ),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc
      .array(fc.tuple(hostileKey(fields), tie('value')), { maxLength: 5 })
      .map((entries) => new Obj(entries)),
  }));
  return { value: tree.value, object: tree.object };
}

// ---------------------------------------------------------------------------------------------
// URLs: path segments and query strings
// ---------------------------------------------------------------------------------------------

/**
 * Percent-encodes every byte of the UTF-8 form except the unreserved characters. Lone surrogates
 * cannot be UTF-8: Buffer writes them as U+FFFD (raw invalid byte sequences come from RAW_SEGMENTS).
 */
export function encodeSegment(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Path segments sent exactly as written: broken escapes, NUL, dot segments, invalid UTF-8. */
export const RAW_SEGMENTS = [
  '..',
  '.',
  '%2e%2e',
  '%2E%2E%2F%2E%2E',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  'abc%00def',
  '%',
  '%zz',
  '%E0%A4%A',
  '%ED%A0%80',
  '%C0%AF',
  '%FF%FE',
  '%25',
  '%2F',
  '%5C',
  'a%20b',
  '%0D%0A',
  '%7B%7D',
  '__proto__',
  'constructor',
  'prototype',
  '%E2%80%AE',
  '%EF%BB%BF',
  '*',
  '~',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
];

/** An id no entity has: arbitrary text, encoded, or one of the raw segments. */
export const hostileId: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...RAW_SEGMENTS), weight: 2 },
  {
    // Encoded ids stay well under the 16 kB head limit (long URLs are the query properties' job).
    arbitrary: hostileString.map(encodeSegment).filter((s) => s.length <= 8000),
    weight: 4,
  },
  { arbitrary: fc.uuid().map(encodeSegment), weight: 1 },
  {
    arbitrary: fc.integer({ min: 1000, max: 5000 }).map((n) => 'a'.repeat(n)),
    weight: 1,
  },
);

/** A query string from [key, value, raw?] triples: raw values are not encoded. */
export function queryString(params: ReadonlyArray<readonly [string, string, boolean]>): string {
  return params
    .map(([key, value, raw]) => `${encodeSegment(key)}=${raw ? value : encodeSegment(value)}`)
    .join('&');
}

/** What Express's default (simple) query parser makes of the query string. */
export function parsedQuery(query: string): Record<string, string | string[] | undefined> {
  return parseQuery(query);
}

// ---------------------------------------------------------------------------------------------
// The Authorization header
// ---------------------------------------------------------------------------------------------

/** Characters Node's HTTP client lets into a header value: TAB, 0x20-0x7E and 0x80-0xFF. */
export const headerChar = fc.oneof(
  { arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), weight: 6 },
  { arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)), weight: 2 },
  { arbitrary: fc.constant('\t'), weight: 1 },
);

/** Unicode text as the server sees it: its UTF-8 bytes read as Latin-1 (how Node decodes headers). */
export const asHeaderBytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

// ---------------------------------------------------------------------------------------------
// OpenAPI: the endpoints to attack
// ---------------------------------------------------------------------------------------------

export interface SchemaObject {
  readonly type?: string;
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly nullable?: boolean;
  readonly example?: unknown;
  readonly default?: unknown;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, SchemaObject>>;
  readonly $ref?: string;
}

interface OpenApiOperation {
  readonly requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
  readonly parameters?: ReadonlyArray<{ name: string; in: string }>;
}

export interface OpenApiDocument {
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components?: { schemas?: Record<string, SchemaObject> };
}

export interface Endpoint {
  readonly [fc.toStringMethod]?: () => string;
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The OpenAPI path, e.g. /api/v1/admin/users/{id}. */
  readonly path: string;
  readonly pathParams: readonly string[];
  /** The resolved JSON body schema, when the operation takes one. */
  readonly body: SchemaObject | null;
}

export function endpointsOf(document: OpenApiDocument): Endpoint[] {
  const resolve = (schema: SchemaObject | undefined): SchemaObject | null => {
    if (!schema) return null;
    if (!schema.$ref) return schema;
    const name = schema.$ref.replace('#/components/schemas/', '');
    return document.components?.schemas?.[name] ?? null;
  };
  const endpoints: Endpoint[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const [method, operation] of Object.entries(operations)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const content = operation.requestBody?.content?.['application/json'];
      endpoints.push({
        // Counterexamples name the endpoint instead of printing its schema.
        [fc.toStringMethod]: () => `${method.toUpperCase()} ${path}`,
        method: method as Endpoint['method'],
        path,
        pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
        body: content ? resolve(content.schema) : null,
      });
    }
  }
  return endpoints;
}

export const fieldsOf = (schema: SchemaObject | null) => Object.keys(schema?.properties ?? {});

export function urlOf(endpoint: Endpoint, ids: Readonly<Record<string, string>>): string {
  return endpoint.path.replace(/\{(\w+)\}/g, (_m, name: string) => ids[name] ?? 'missing');
}

/** A body the schema would accept on its face: required fields and the documented examples. */
export function validLooking(schema: SchemaObject): Record<string, Hostile> {
  const body: Record<string, Hostile> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const required = schema.required?.includes(name) ?? false;
    if (property.example !== undefined) body[name] = property.example as Hostile;
    else if (required && property.enum) body[name] = property.enum[0] as Hostile;
    else if (required && property.type === 'string') {
      body[name] = 'x'.repeat(Math.max(property.minLength ?? 1, 1));
    } else if (required && property.type === 'number') body[name] = property.minimum ?? 1;
    else if (required && property.type === 'boolean') body[name] = false;
  }
  return body;
}

/** What a mutation did, for the report of a counterexample and the expectations. */
export interface Mutation {
  readonly field: string;
  readonly kind: 'wrong-type' | 'out-of-range' | 'unknown-key' | 'missing' | 'bad-value';
}

/**
 * Invalid values for one property of the schema, judged by the schema alone: a wrong type,
 * a number outside [minimum, maximum], a string outside [minLength, maxLength], a value outside
 * the enum. `null` only for required properties (for optional ones it means "absent").
 */
export function invalidValuesFor(property: SchemaObject, required: boolean): fc.Arbitrary<Hostile> {
  const wrongTypes: Hostile[] = [[], [1], new Obj([]), new Obj([['$gt', '']])];
  if (required) wrongTypes.push(null);
  const choices: fc.Arbitrary<Hostile>[] = [];
  if (property.enum) {
    const allowed = new Set(property.enum);
    choices.push(
      hostileString.filter((s) => !allowed.has(s)).map((s): Hostile => s),
      fc
        .constantFrom<Hostile>(
          ...property.enum.flatMap((v) => [
            `${String(v).toUpperCase()}`,
            ` ${String(v)}`,
            `${String(v)}\u0000`,
          ]),
          1,
          true,
          ...wrongTypes,
        )
        .filter((v) => !allowed.has(v)),
    );
  } else if (property.type === 'string') {
    choices.push(
      fc.constantFrom<Hostile>(1, 0, -0, 1e308, true, false, ...wrongTypes),
      hostileNumber,
    );
    if (property.maxLength !== undefined) {
      choices.push(
        fc
          .tuple(
            fc.constantFrom('x', '\u00e9', '\u0000', '\ud83d\ude00'),
            fc.integer({ min: 1, max: 200 }),
          )
          .map(([unit, extra]): Hostile => unit.repeat(property.maxLength! + extra)),
      );
    }
    if ((property.minLength ?? 0) > 1) {
      choices.push(
        fc
          .string({ unit: 'binary-ascii', maxLength: property.minLength! - 1 })
          .map((s): Hostile => s),
      );
    }
    if (property.format === 'date-time') {
      choices.push(
        fc.constantFrom<Hostile>(
          '2026-02-30T00:00:00Z',
          'next tuesday',
          '2020-01-01T00:00:00Z',
          '2026-W10-1',
          '2026-060',
          '',
        ),
      );
    }
  } else if (property.type === 'number' || property.type === 'integer') {
    choices.push(
      fc.constantFrom<Hostile>(
        '7',
        '30',
        'NaN',
        'Infinity',
        '1e308',
        '-0',
        '',
        true,
        false,
        ...wrongTypes,
      ),
    );
    const outside: Hostile[] = [];
    if (property.minimum !== undefined) {
      outside.push(property.minimum - 1, new Raw('-1e308'), -9007199254740991);
      if (property.minimum > 0) outside.push(new Raw('-0'), 0);
    }
    if (property.maximum !== undefined) {
      outside.push(
        property.maximum + 1,
        new Raw('1e308'),
        new Raw('9007199254740993'),
        new Raw('1e400'),
      );
    }
    if (outside.length > 0) choices.push(fc.constantFrom(...outside));
  } else if (property.type === 'boolean') {
    choices.push(fc.constantFrom<Hostile>('true', 'false', 1, 0, 'yes', '', ...wrongTypes));
  } else {
    choices.push(fc.constantFrom(...wrongTypes));
  }
  return fc.oneof(...choices);
}

/** A valid-looking body with exactly one thing wrong with it. */
export function mutatedBody(
  schema: SchemaObject,
): fc.Arbitrary<{ body: string; mutation: Mutation }> {
  const base = validLooking(schema);
  const properties = Object.entries(schema.properties ?? {});
  const options: fc.Arbitrary<{ body: string; mutation: Mutation }>[] = [];
  const render = (entries: Array<[string, Hostile]>) => toJson(new Obj(entries));
  for (const [name, property] of properties) {
    const required = schema.required?.includes(name) ?? false;
    options.push(
      invalidValuesFor(property, required).map((value) => ({
        body: render([...Object.entries(base).filter(([k]) => k !== name), [name, value]]),
        mutation: { field: name, kind: 'wrong-type' as const },
      })),
    );
    if (required) {
      options.push(
        fc.constant({
          body: render(Object.entries(base).filter(([k]) => k !== name)),
          mutation: { field: name, kind: 'missing' as const },
        }),
      );
    }
  }
  const known = new Set(properties.map(([name]) => name));
  options.push(
    fc
      .tuple(
        hostileKey([]).filter((k) => !known.has(k)),
        hostileValue().value,
      )
      .map(([key, value]) => ({
        body: render([...Object.entries(base), [key, value]]),
        mutation: { field: key, kind: 'unknown-key' as const },
      })),
  );
  return fc.oneof(...options);
}

// ---------------------------------------------------------------------------------------------
// Findings: inputs that got a 5xx (or were wrongly accepted) when this suite was written, each
// reproduced in findings.e2e-spec.ts and since fixed. The predicates stay as hooks for the next
// finding; today none is tolerated.
// ---------------------------------------------------------------------------------------------

/** F1 (fixed: bodies deeper than 16 levels are refused with 400). */
export const isF1DeepBody = (_body: string) => false;

/** F2 (fixed: an `at` that Date cannot read is refused with 400). */
export const isF2UnparseableInstant = (_value: unknown) => false;

/** F3 (fixed: reserved keys are refused like any unknown field). */
export const isF3PrototypeKey = (_key: string) => false;

// ---------------------------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------------------------

/** Event types a request may append without writing anything a caller asked for. */
const USAGE_TRAIL = new Set(['TokenUsed']);

/** The number of events in the log, the usage trail left out, once pending usage writes are done. */
export async function writesSoFar(t: TestApp): Promise<number> {
  await t.app.get(TokenUsageRecorder).settled();
  const events = await t.app.get<EventStore>(EVENT_STORE).readAll({ maxCount: 1_000_000 });
  return events.filter((event) => !USAGE_TRAIL.has(event.type)).length;
}

export async function expectAlive(t: TestApp): Promise<void> {
  const health = await t.http().get('/health');
  if (health.status !== 200) throw new Error(`GET /health answered ${health.status} afterwards`);
}

/** A short, printable description of a request for counterexamples. */
export function describeRequest(
  method: string,
  url: string,
  body?: string,
  header?: string,
): string {
  const clip = (s: string) =>
    s.length > 300 ? `${JSON.stringify(s.slice(0, 300))}… (${s.length} chars)` : JSON.stringify(s);
  return [
    `${method.toUpperCase()} ${clip(url)}`,
    header !== undefined ? `Authorization: ${clip(header)}` : '',
    body !== undefined ? `body: ${clip(body)}` : '',
  ]
    .filter(Boolean)
    .join('\n  ');
}
