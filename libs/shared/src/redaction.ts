/**
 * Anything shaped like a personal access token (any prefix): 1–12 letters or digits, "_", and
 * 36 base62 characters. Log lines are scrubbed of these wherever they appear.
 */
const TOKEN_SHAPED = /[A-Za-z0-9]{1,12}_[0-9A-Za-z]{36}/g;
const BEARER_CREDENTIAL = /(Bearer\s+)[^\s"',;]+/gi;

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

export interface LineSink {
  write(line: string): unknown;
}

/** A log destination that scrubs every line before passing it on. */
export function scrubbingSink(target: LineSink): LineSink {
  return { write: (line: string) => target.write(scrubSecrets(line)) };
}
