/**
 * A store cannot be used at start. The message is the one line the operator reads: it names the
 * file (or server) and says what to do, so the process prints it without a stack trace.
 */
export class StoreStartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message.replace(/\s+/g, ' ').trim(), options);
    this.name = 'StoreStartupError';
  }
}
