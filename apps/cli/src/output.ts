import { scrubSecrets } from '@pat/shared';

/** CLI output goes through the same scrubbing as the logs: no token-shaped string gets out. */
export function print(line: string): void {
  process.stdout.write(`${scrubSecrets(line)}\n`);
}

/**
 * One JSON line, scrubbed like every other output: string by string, so the line stays valid
 * JSON (scrubbing the text could eat an escaping backslash). Password hashes (Argon2, no "_" in
 * their base64) and token hashes (hex) are not token-shaped and stay as they are.
 */
export function scrubbedJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'string' ? scrubSecrets(item) : item,
  );
}
