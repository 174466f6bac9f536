/**
 * Anything shaped like a personal access token (any prefix): 1–12 letters or digits, "_", and
 * 36 base62 characters. Log lines are scrubbed of these wherever they appear.
 */
const TOKEN_SHAPED = /[A-Za-z0-9]{1,12}_[0-9A-Za-z]{36}/g;
/**
 * "Bearer" and the credential after it, of any shape. Not an RFC 7235 auth-param (`realm="api"`,
 * `error=invalid_token`): a WWW-Authenticate challenge carries no secret, and its error_description
 * is what an operator reads to learn why a client was refused. A credential (token68) can only
 * end in "=", so `name=value` is never one. Nor a `<token>` placeholder in a help text.
 */
const BEARER_CREDENTIAL =
  /(Bearer\s+)(?!<[^>\s]*>|[!#$%&'*+.^_`|~0-9A-Za-z-]+=(?:"|[!#$%&'*+.^_`|~0-9A-Za-z-]))[^\s"',;]+/gi;
/** Whether a line may hold anything to scrub (non-global copies: `test` keeps no state). */
const MAY_HOLD_TOKEN = new RegExp(TOKEN_SHAPED.source);
const MAY_HOLD_BEARER = /bearer/i;

export const REDACTED = '[REDACTED]';

export function scrubSecrets(text: string): string {
  return text.replace(TOKEN_SHAPED, REDACTED).replace(BEARER_CREDENTIAL, `$1${REDACTED}`);
}

/**
 * A value a client sent that is kept in the record (user agent, its own request id): scrubbed
 * first, then cut to the length, so that cutting can never leave part of a token behind unscrubbed.
 * Configured prefixes are 1–12 letters or digits and "_" (see config), so the shape above covers
 * every one of them.
 */
export function scrubClientValue(text: string, maxLength: number): string {
  return scrubSecrets(text).slice(0, maxLength);
}

/** Every string of a parsed JSON value scrubbed, object keys too (a header name is the client's). */
export function scrubJsonValue(value: unknown): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (Array.isArray(value)) return value.map(scrubJsonValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [scrubSecrets(key), scrubJsonValue(item)]),
    );
  }
  return value;
}

/**
 * One JSON log line with every token-shaped string and bearer credential removed, and still one
 * JSON line: the line is parsed, each string scrubbed as a value and the whole serialized again,
 * so no replacement can eat an escaping backslash or a quote (scrubbing the serialized text did:
 * `Bearer realm=\"api\"` became `Bearer [REDACTED]"api\"`). A line with nothing to scrub passes
 * as it is. Tokens are base62 and "_", which JSON never escapes, so a token in a value is also
 * in the text; a bearer credential may follow an escaped whitespace, hence the looser check.
 */
export function scrubLogLine(line: string): string {
  if (!MAY_HOLD_TOKEN.test(line) && !MAY_HOLD_BEARER.test(line)) return line;
  const end = line.endsWith('\n') ? '\n' : '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    // Never expected of pino: the text is kept, scrubbed, as a string inside a valid line.
    const text = scrubSecrets(line.slice(0, line.length - end.length));
    const wrapped = {
      level: 40,
      time: Date.now(),
      msg: 'A log line that was not JSON',
      line: text,
    };
    return `${JSON.stringify(wrapped)}${end}`;
  }
  return `${JSON.stringify(scrubJsonValue(parsed))}${end}`;
}

export interface LineSink {
  write(line: string): unknown;
}

/** A log destination that scrubs every line (see scrubLogLine) before passing it on. */
export function scrubbingSink(target: LineSink): LineSink {
  return { write: (line: string) => target.write(scrubLogLine(line)) };
}
