import { Logger } from '@nestjs/common';
import type {
  EventHandlerContext,
  EventStore,
  Position,
  RecordedEvent,
  Subscription,
} from '@pat/event-store';

const FIRST_RETRY_DELAY_MS = 250;
const MAX_RETRY_DELAY_MS = 30_000;

/** What a processor of the log tells its subscriber: where it stands, and what to do per event. */
export interface CatchUpProcessor {
  /** For log lines. */
  readonly name: string;
  /** Where to resume: strictly after this position (null: from the start of the log). */
  readCheckpoint(): Promise<Position | null>;
  /**
   * In log order; the next event waits for a returned promise. A throw stops the subscription,
   * which starts again from the checkpoint after a growing delay.
   */
  onEvent(event: RecordedEvent, context: EventHandlerContext): Promise<void> | void;
  /** Each time the subscription has delivered what existed when it (re)started. */
  onCaughtUp?(): void;
  /** Before each (re)subscription, with the checkpoint it resumes from. */
  onResume?(after: Position | null): void;
}

/**
 * One catch-up subscription to the log for one processor (a process manager, a document read
 * model): from its own checkpoint, history then live events, restarted from the checkpoint
 * with a growing delay whenever reading the checkpoint or handling an event fails.
 */
export class CatchUpSubscriber {
  private subscription: Subscription | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;

  constructor(
    private readonly eventStore: EventStore,
    private readonly processor: CatchUpProcessor,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.subscribe(FIRST_RETRY_DELAY_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.stop();
  }

  /**
   * Work the processor did outside onEvent (a deferred write) failed: the subscription stops
   * and starts again from the checkpoint, as after a failed onEvent.
   */
  fail(error: unknown): void {
    const subscription = this.subscription;
    if (!subscription) return;
    this.subscription = null;
    void subscription.stop().finally(() => this.retryLater(FIRST_RETRY_DELAY_MS, error));
  }

  private async subscribe(retryDelayMs: number): Promise<void> {
    let after: Position | null;
    try {
      after = await this.processor.readCheckpoint();
    } catch (error) {
      return this.retryLater(retryDelayMs, error);
    }
    if (this.stopped) return;
    this.processor.onResume?.(after);
    this.subscription = this.eventStore.subscribeToAll({
      after,
      onEvent: (event, context) => this.processor.onEvent(event, context),
      onCaughtUp: () => this.processor.onCaughtUp?.(),
      onError: (error) => {
        this.subscription = null;
        this.retryLater(retryDelayMs, error);
      },
    });
  }

  private retryLater(retryDelayMs: number, error: unknown): void {
    if (this.stopped) return;
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn(`${this.processor.name} stopped (${message}); retrying in ${retryDelayMs} ms`);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.stopped) return;
      void this.subscribe(Math.min(retryDelayMs * 2, MAX_RETRY_DELAY_MS));
    }, retryDelayMs);
  }
}

/** Starts and stops a set of subscribers together (with the Nest module, at the latest). */
export class CatchUpSubscribers {
  constructor(private readonly subscribers: readonly CatchUpSubscriber[]) {}

  async start(): Promise<void> {
    await Promise.all(this.subscribers.map((subscriber) => subscriber.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.subscribers.map((subscriber) => subscriber.stop()));
  }
}
