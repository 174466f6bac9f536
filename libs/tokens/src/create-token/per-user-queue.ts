/**
 * Runs work for one key (a user) one after another within this process, other keys alongside.
 * Token creation counts the user's active tokens and then appends: two requests at once must not
 * both count 99 and both create. (Each run ends after its read-model write, so the next count
 * sees it.) Several API instances each keep their own queue, so across N instances sharing one
 * read model a race can overshoot the limit by up to N − 1.
 */
export class PerKeyQueue {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(work);
    const tail = current.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      // The last one out removes the entry, so idle users hold no memory.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
