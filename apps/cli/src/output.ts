import { scrubSecrets } from '@pat/shared';

/** CLI output goes through the same scrubbing as the logs: no token-shaped string gets out. */
export function print(line: string): void {
  process.stdout.write(`${scrubSecrets(line)}\n`);
}
