import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { until } from '../support/ferretdb';
import { ServerProcess, startServer } from '../support/spawn-server';
import {
  API,
  TestApp,
  assertLogLinesAreJson,
  bearer,
  createToken,
  dropReadModel,
  signIn,
  startTestApp,
} from '../support/test-app';

/**
 * Issue 15: logs an operator can pipe. Every line is one JSON object whatever gets redacted; a
 * request line says what was asked (route pattern, not the URL), the answer, how long, who
 * asked, in under 600 bytes; the start says in one line where it serves and on what.
 * (That every line of every suite is JSON is checked by test-app.ts and spawn-server.ts.)
 */

type Line = Record<string, unknown>;

const NEST_BOOT_CONTEXTS = [
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
];
const MAX_REQUEST_LINE_BYTES = 600;

describe('Log lines', () => {
  let t: TestApp;
  let cookie: string;
  let token: { id: string; token: string };
  // One app for the file: nestjs-pino keeps the first app's destination for the process.
  beforeAll(async () => {
    t = await startTestApp();
    cookie = await signIn(t);
    token = await createToken(t, cookie, { name: 'logs', expiresInDays: 30 });
  });
  afterAll(() => t.dispose());

  const parsed = (from = 0): Line[] => t.logs.slice(from).map((line) => JSON.parse(line) as Line);
  /** The request line of the answer, found by its X-Request-Id. */
  const requestLineOf = (
    response: { headers: Record<string, string> },
    msg = 'request completed',
  ) => {
    const id = response.headers['x-request-id'];
    const found = t.logs.filter((line) => line.includes(`"requestId":"${id}"`));
    const line = found.find((text) => (JSON.parse(text) as Line).msg === msg);
    if (!line) throw new Error(`no request line for ${id} in:\n${t.logs.join('')}`);
    return { text: line, line: JSON.parse(line) as Line };
  };

  it('a 401 line is JSON and keeps the challenge with its error_description', async () => {
    const revoked = await createToken(t, cookie, { name: 'to-revoke', expiresInDays: 7 });
    await t.http().post(`${API}/me/tokens/${revoked.id}/revoke`).set('Cookie', cookie).expect(200);
    const response = await t.http().get(`${API}/me`).set(bearer(revoked.token)).expect(401);

    const { text, line } = requestLineOf(response);
    expect(line).toMatchObject({
      method: 'GET',
      route: `${API}/me`,
      status: 401,
      wwwAuthenticate: response.headers['www-authenticate'],
    });
    expect(line.wwwAuthenticate).toContain('error_description="The access token was revoked"');
    expect(text).not.toContain(revoked.token);
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_REQUEST_LINE_BYTES);
  });

  it('a malformed Authorization header: the 400 line keeps its description too', async () => {
    const response = await t
      .http()
      .get(`${API}/me`)
      .set('Authorization', 'Bearer a b "c" \\d')
      .expect(400);
    const { text, line } = requestLineOf(response);
    expect(line.wwwAuthenticate).toContain(
      'error_description="The Authorization header must be: Bearer <token>"',
    );
    expect(text).not.toContain('\\\\d');
  });

  it('a request line: method, route pattern, status, duration, ids; no query, no headers', async () => {
    const response = await t
      .http()
      .get(`${API}/me/tokens/${token.id}?access_token=${token.token}&page=2`)
      .set(bearer(token.token))
      .set('X-Request-Id', 'client-correlation-7')
      .set('User-Agent', `agent-with ${token.token}`)
      .expect(200);

    const { text, line } = requestLineOf(response);
    expect(line).toEqual({
      level: 30,
      time: expect.any(Number),
      pid: process.pid,
      hostname: expect.any(String),
      requestId: response.headers['x-request-id'],
      method: 'GET',
      route: `${API}/me/tokens/:id`,
      status: 200,
      durationMs: expect.any(Number),
      ip: expect.stringMatching(/127\.0\.0\.1/),
      userId: expect.any(String),
      tokenId: token.id,
      clientRequestId: 'client-correlation-7',
      msg: 'request completed',
    });
    expect(text).not.toContain(token.id.slice(0, 8) + '?');
    expect(text).not.toContain('access_token');
    expect(text).not.toContain(token.token);
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_REQUEST_LINE_BYTES);
  });

  it('a session-authenticated request line names the user and no token', async () => {
    const me = await t.http().get(`${API}/me`).set('Cookie', cookie).expect(200);
    const { text, line } = requestLineOf(me);
    expect(line.userId).toBe(me.body.userId);
    expect(line).not.toHaveProperty('tokenId');
    expect(text).not.toContain(cookie.split('=')[1]);
  });

  it('stays under 600 bytes with every optional field at its longest', async () => {
    const response = await t
      .http()
      .get(`${API}/me/tokens/${token.id}`)
      .set(bearer(`tgp_${'A'.repeat(36)}`))
      .set('X-Request-Id', 'x'.repeat(5000))
      .expect(401);
    const { text, line } = requestLineOf(response);
    expect(line.clientRequestId).toHaveLength(64);
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_REQUEST_LINE_BYTES);
  });

  it('a token in a header, the URL or a message is scrubbed; the line stays JSON', async () => {
    const from = t.logs.length;
    const other = `new_${'b'.repeat(36)}`;
    const response = await t
      .http()
      .get(`${API}/me/tokens/${token.token}`)
      .set('Cookie', cookie)
      .set('X-Request-Id', `id ${token.token}`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    const logger = new Logger('LogsTest');
    logger.warn(`a message with ${token.token} and "Authorization: Bearer other-secret"`);
    logger.warn({
      msg: 'nested',
      failure: { message: `could not use ${other}`, list: [`x${token.token}`] },
      headers: { authorization: 'Basic dXNlcjpwYXNz', cookie, 'set-cookie': cookie },
    });

    const lines = t.logs.slice(from);
    const text = lines.join('');
    for (const secret of [token.token, other, 'other-secret', 'dXNlcjpwYXNz', cookie]) {
      expect(text).not.toContain(secret);
    }
    assertLogLinesAreJson(lines);
    const [message, nested] = parsed(from).filter((l) => l.context === 'LogsTest');
    expect(requestLineOf(response).line).toMatchObject({
      route: `${API}/me/tokens/:id`,
      clientRequestId: 'id [REDACTED]',
    });
    expect(message?.msg).toBe('a message with [REDACTED] and "Authorization: Bearer [REDACTED]"');
    expect(nested).toMatchObject({
      failure: { message: 'could not use [REDACTED]', list: ['[REDACTED]'] },
      headers: { authorization: '[REDACTED]', cookie: '[REDACTED]', 'set-cookie': '[REDACTED]' },
    });
  });

  it("Nest's start-up chatter (modules, every route mapped) is not at info", () => {
    const boot = parsed().filter((line) => NEST_BOOT_CONTEXTS.includes(String(line.context)));
    expect(boot).toEqual([]);
    // What is left of a start: the read model caught up, the administrator created.
    expect(parsed().filter((line) => line.context === 'ProjectionRunner')).not.toEqual([]);
  });

  it('a 503 line is at error level; its cause is on a line with the same request id', async () => {
    if (process.env.EVENTSTORE_CONNECTION_STRING) return; // the log is not a file then
    const file = join(t.dataDir, 'events.sqlite');
    const me = () => t.http().get(`${API}/me`).set(bearer(token.token));
    renameSync(file, `${file}.away`);
    let refused;
    try {
      await until(async () => (await me()).status === 503);
      refused = await me().expect(503);
    } finally {
      renameSync(`${file}.away`, file);
    }
    await until(async () => (await me()).status === 200);

    const { text, line } = requestLineOf(refused, 'request failed');
    expect(line).toMatchObject({ level: 50, route: `${API}/me`, status: 503 });
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_REQUEST_LINE_BYTES);
    // The cause is on a line of its own, found by the same request id.
    const sameRequest = parsed().filter((l) => l.requestId === line.requestId);
    expect(sameRequest).toContainEqual(
      expect.objectContaining({ level: 40, msg: expect.stringContaining('Store unavailable') }),
    );
  });

  it('the check every suite runs fails on a line that is not JSON, naming it', () => {
    // The line the token-shape scrub used to write for every 401.
    const broken = '{"www-authenticate":"Bearer [REDACTED]"api\\", error=\\"invalid_token\\""}\n';
    expect(() => assertLogLinesAreJson([broken])).toThrow(JSON.stringify(broken).slice(0, 40));
    expect(() => assertLogLinesAreJson(['{"a":1}\n{"b":2}\n'])).toThrow(/more than one line/);
    expect(() => assertLogLinesAreJson(['[1]\n'])).toThrow(/not an object/);
    expect(() => assertLogLinesAreJson(['{"a":1}\n'])).not.toThrow();
  });
});

/** The built service, as `npm start` runs it: its start-up says where and on what, in one line. */
describe('The start-up banner', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pat-logs-'));
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });
  afterAll(async () => {
    if (process.env.MONGODB_URI) await dropReadModel(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const stdoutLines = (process: ServerProcess) =>
    process
      .stdout()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Line);

  it('is one JSON line naming the URL, the stores and where their data is', async () => {
    server = await startServer({ dataDir, env: { LOG_LEVEL: 'info' } });
    const lines = stdoutLines(server);
    const banners = lines.filter((line) => String(line.msg).includes('listening on'));
    expect(banners).toHaveLength(1);
    const [banner] = banners;
    expect(banner).toMatchObject({
      level: 30,
      context: 'Startup',
      url: `http://127.0.0.1:${server.port}`,
      dataDir,
    });
    if (process.env.EVENTSTORE_CONNECTION_STRING) {
      expect(banner.eventStore).toMatch(/^EventStoreDB esdb/);
    } else {
      expect(banner.eventStore).toBe(`SQLite ${join(dataDir, 'events.sqlite')}`);
    }
    if (process.env.MONGODB_URI) {
      expect(banner.readModel).toMatch(/^MongoDB mongodb:\/\/[^@?]+$/);
      expect(banner.sessionStore).toBe(banner.readModel);
    } else {
      expect(banner.readModel).toBe(`SQLite ${join(dataDir, 'read-model.sqlite')}`);
      expect(banner.sessionStore).toBe(`SQLite ${join(dataDir, 'sessions.sqlite')}`);
    }
    expect(banner.msg).toContain(`listening on http://127.0.0.1:${server.port} (event log: `);
    // No line per module or per route mapped: a handful of lines in all.
    expect(lines.filter((line) => NEST_BOOT_CONTEXTS.includes(String(line.context)))).toEqual([]);
    expect(lines.length).toBeLessThan(10);
  });

  it('is printed at LOG_LEVEL=warn too, alone', async () => {
    server = await startServer({ dataDir, env: { LOG_LEVEL: 'warn' } });
    const lines = stdoutLines(server);
    expect(lines).toEqual([expect.objectContaining({ context: 'Startup', level: 30 })]);
  });

  it('keeps the route mapping at debug, for whoever asks for it', async () => {
    server = await startServer({ dataDir, env: { LOG_LEVEL: 'debug' } });
    const mapped = stdoutLines(server).filter((line) => line.context === 'RouterExplorer');
    expect(mapped.length).toBeGreaterThan(10);
    expect(mapped.every((line) => line.level === 20)).toBe(true);
  });
});
