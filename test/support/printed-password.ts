import { StartOptions, TestApp, startTestApp } from './test-app';

/**
 * Starts the app with BOOTSTRAP_ADMIN_PASSWORD unset and returns what the bootstrap printed,
 * with the one-time password in it: that goes to standard error on purpose (the operator must
 * see it; standard output carries only JSON log lines), not through the logger, so the test
 * listens on stderr while the app starts.
 */
export async function startPrintingOneTimePassword(
  options: StartOptions = {},
): Promise<{ t: TestApp; printed: string; oneTimePassword: string | null }> {
  let printed = '';
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string | Uint8Array, ...rest: never[]) => {
    printed += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return write(chunk, ...rest);
  };
  try {
    const t = await startTestApp({
      ...options,
      env: { BOOTSTRAP_ADMIN_PASSWORD: '', ...options.env },
    });
    const oneTimePassword = /one-time password: (\S+)/.exec(printed)?.[1] ?? null;
    return { t, printed, oneTimePassword };
  } finally {
    process.stderr.write = write;
  }
}
