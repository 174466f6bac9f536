/**
 * Bounded waits on stores (issue 13): a store call that has not settled within its deadline is
 * given up with a DeadlineExceededError, which each adapter wraps in its own Unavailable error so
 * that the caller's ordinary fail-closed path (503 with Retry-After) answers.
 *
 * Giving up does not cancel the call: a write may still happen after its deadline. Callers must
 * treat a timed-out write as "outcome unknown", never as "not done" (no blind retry).
 */
export class DeadlineExceededError extends Error {
  constructor(
    /** What did not answer, as it reads in a sentence: "the read model", "the session store". */
    readonly store: string,
    readonly timeoutMs: number,
  ) {
    super(`${capitalized(store)} did not answer within ${formatDuration(timeoutMs)}`);
    this.name = 'DeadlineExceededError';
  }
}

/** Settles like `work`, or rejects with DeadlineExceededError after `timeoutMs`. */
export function withDeadline<T>(work: Promise<T>, timeoutMs: number, store: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(store, timeoutMs)), timeoutMs);
  });
  // A late failure of the abandoned call must not surface as an unhandled rejection.
  work.catch(() => undefined);
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Whether a message is exactly a DeadlineExceededError's (possibly carried over by a store's
 * Unavailable error or a health probe): such a message names a store and a duration only, so it
 * may be shown to clients.
 */
export function isDeadlineMessage(message: string): boolean {
  return /^The [a-z ]{3,40} did not answer within \d+(\.\d+)? m?s$/.test(message);
}

/** "5 s", "1.5 s", "250 ms": for messages an operator or a client reads. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(3))} s`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
