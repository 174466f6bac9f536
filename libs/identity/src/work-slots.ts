/** Thrown when every slot is busy and the waiting line is full. */
export class WorkSlotsFullError extends Error {
  constructor() {
    super('Every work slot is busy and the waiting line is full');
    this.name = 'WorkSlotsFullError';
  }
}

/**
 * At most `slots` jobs run at once; up to `maxWaiting` more wait their turn (first come, first
 * served); beyond that a job is refused at once with WorkSlotsFullError instead of piling up.
 */
export class WorkSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly slots: number,
    readonly maxWaiting: number,
  ) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError('slots must be at least 1');
    if (!Number.isInteger(maxWaiting) || maxWaiting < 0) {
      throw new RangeError('maxWaiting must be 0 or more');
    }
  }

  get runningCount(): number {
    return this.running;
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.slots) {
      if (this.waiting.length >= this.maxWaiting) throw new WorkSlotsFullError();
      // The slot is handed over by the job that ends, so `running` never drops in between.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
