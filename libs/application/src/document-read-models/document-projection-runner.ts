import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { DOCUMENT_STORE, DocumentChange, DocumentStore } from '@pat/documents';
import { EVENT_STORE, EventStore, Position, Subscription } from '@pat/event-store';
import { DOCUMENT_READ_MODELS, DocumentReadModel } from './document-read-model';

/** Events per write while catching up; live events are written as they come. */
const CATCH_UP_BATCH = 5_000;
const MAX_RETRY_DELAY_MS = 30_000;
/** How long a query waits for its read model to show this process's own last write. */
const READ_YOUR_WRITES_WAIT_MS = 5_000;

interface Running {
  readonly model: DocumentReadModel;
  subscription: Subscription | null;
  /** The position of the last event written with its checkpoint. */
  shown: Position | null;
  pending: DocumentChange[];
  pendingUntil: Position | null;
  pendingEvents: number;
  writes: Promise<void>;
}

/**
 * Runs every document read model on a catch-up subscription of its own, from its own
 * checkpoint, which is written with its documents (one transaction on SQLite; on MongoDB the
 * revision guards absorb a replay). A failure stops that read model's subscription, which
 * restarts from its checkpoint with a growing delay; the others go on.
 */
@Injectable()
export class DocumentProjectionRunner implements OnModuleDestroy {
  private readonly logger = new Logger(DocumentProjectionRunner.name);
  private readonly running: Running[];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters = new Set<() => void>();
  private stopped = true;

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(DOCUMENT_STORE) private readonly store: DocumentStore,
    @Inject(DOCUMENT_READ_MODELS) models: DocumentReadModel[],
  ) {
    this.running = models.map((model) => ({
      model,
      subscription: null,
      shown: null,
      pending: [],
      pendingUntil: null,
      pendingEvents: 0,
      writes: Promise.resolve(),
    }));
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.store.declare(this.running.flatMap((entry) => entry.model.collections));
    await Promise.all(this.running.map((entry) => this.subscribe(entry, 250)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(
      this.running.map(async (entry) => {
        const subscription = entry.subscription;
        entry.subscription = null;
        await subscription?.stop();
        await entry.writes.catch(() => undefined);
      }),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /**
   * Waits until every document read model shows the log up to `position` (a write this process
   * just made: read-your-writes without writing inline), at most a few seconds; answers whether
   * they do. Past that, the caller answers from what is shown.
   */
  async waitForPosition(position: Position | null): Promise<boolean> {
    if (position === null) return true;
    const shows = () =>
      this.running.every(
        (entry) =>
          entry.shown !== null && this.eventStore.comparePositions(entry.shown, position) >= 0,
      );
    if (shows()) return true;
    return new Promise<boolean>((resolve) => {
      const check = () => {
        if (!shows()) return;
        finish(true);
      };
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(result);
      };
      const timer = setTimeout(() => finish(false), READ_YOUR_WRITES_WAIT_MS);
      this.waiters.add(check);
    });
  }

  private async subscribe(entry: Running, retryDelayMs: number): Promise<void> {
    let after: Position | null;
    try {
      after = await this.store.readCheckpoint(entry.model.name);
    } catch (error) {
      return this.retryLater(entry, retryDelayMs, error);
    }
    entry.shown = after;
    // A failed write is behind us: the subscription starts again from the checkpoint.
    entry.writes = Promise.resolve();
    entry.pending = [];
    entry.pendingUntil = null;
    entry.pendingEvents = 0;
    entry.subscription = this.eventStore.subscribeToAll({
      after,
      onEvent: (event, context) => {
        for (const change of entry.model.project(event)) entry.pending.push(change);
        entry.pendingUntil = event.position;
        entry.pendingEvents += 1;
        if (context.catchingUp && entry.pendingEvents < CATCH_UP_BATCH) return undefined;
        return this.flush(entry);
      },
      onCaughtUp: () => void this.flush(entry).catch(() => undefined),
      onError: (error) => {
        entry.subscription = null;
        this.retryLater(entry, retryDelayMs, error);
      },
    });
  }

  /** Writes what is pending with its checkpoint; writes of one read model run one at a time. */
  private flush(entry: Running): Promise<void> {
    entry.writes = entry.writes.then(async () => {
      const until = entry.pendingUntil;
      if (until === null) return;
      const changes = entry.pending;
      entry.pending = [];
      entry.pendingUntil = null;
      entry.pendingEvents = 0;
      await this.store.apply(changes, { name: entry.model.name, position: until });
      entry.shown = until;
      for (const waiter of this.waiters) waiter();
    });
    return entry.writes;
  }

  private retryLater(entry: Running, retryDelayMs: number, error: unknown): void {
    if (this.stopped) return;
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn(
      `Read model ${entry.model.name} stopped (${message}); retrying in ${retryDelayMs} ms`,
    );
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.stopped) return;
      void this.subscribe(entry, Math.min(retryDelayMs * 2, MAX_RETRY_DELAY_MS));
    }, retryDelayMs);
    this.timers.add(timer);
  }
}
