import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import {
  EVENT_STORE,
  EventHandlerContext,
  EventLogDamagedError,
  EventStore,
  Position,
  RecordedEvent,
  Subscription,
} from '@pat/event-store';
import { READ_MODEL, ReadModel, ReadModelChange, ReadModelDamagedError } from '@pat/read-model';
import { PROJECTORS, Projector } from './projector';

/** One subscription feeds every projector; its checkpoint is stored under this name. */
export const READ_MODEL_PROJECTION = 'read-model';
// Events per read-model transaction while catching up, and while rebuilding from the start of
// the log: fewer, larger commits (a commit rewrites every page the batch touched).
const CATCH_UP_BATCH = 10_000;
const BULK_LOAD_BATCH = 100_000;
const MAX_RETRY_DELAY_MS = 30_000;

export interface ProjectionStatus {
  readonly running: boolean;
  readonly caughtUp: boolean;
  readonly position: Position | null;
  /** Events processed since start. */
  readonly processed: number;
  readonly lastError: string | null;
}

/**
 * Keeps the read model in step with the event log: a catch-up subscription from the stored
 * checkpoint (never from "now"), at-least-once delivery, idempotent writes guarded by stream
 * revision. While catching up, events are applied in batches with one checkpoint per batch;
 * live events are applied one by one. If the subscription fails (say the read model is down) it
 * restarts from the last stored checkpoint with a growing delay.
 */
@Injectable()
export class ProjectionRunner implements OnModuleDestroy {
  private readonly logger = new Logger(ProjectionRunner.name);
  private subscription: Subscription | null = null;
  private pending: { changes: ReadModelChange[]; position: Position | null; events: number } = {
    changes: [],
    position: null,
    events: 0,
  };
  private flushing: Promise<void> = Promise.resolve();
  private caughtUp = false;
  private bulkLoading = false;
  private position: Position | null = null;
  private processed = 0;
  private lastError: string | null = null;
  private stopped = true;
  private retryDelayMs = 250;
  private retryTimer: NodeJS.Timeout | null = null;
  private caughtUpWaiters: Array<() => void> = [];
  /** start() callers waiting for the first catch-up, told when it cannot happen (see below). */
  private startFailureWaiters: Array<(error: unknown) => void> = [];

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    @Inject(PROJECTORS) private readonly projectors: Projector[],
  ) {}

  /** Starts the subscription; resolves once the read model has caught up with the log. */
  async start(): Promise<void> {
    if (!this.stopped) return this.whenCaughtUp();
    this.stopped = false;
    const failed = new Promise<never>((_, reject) => this.startFailureWaiters.push(reject));
    failed.catch(() => undefined); // may be rejected before the race below listens
    try {
      await this.subscribe();
      await Promise.race([this.whenCaughtUp(), failed]);
    } catch (error) {
      await this.stop();
      throw error;
    } finally {
      this.startFailureWaiters = [];
    }
  }

  whenCaughtUp(): Promise<void> {
    if (this.caughtUp) return Promise.resolve();
    return new Promise((resolve) => this.caughtUpWaiters.push(resolve));
  }

  /** Resolves once the subscription has applied the log up to this position. */
  async waitForPosition(position: Position): Promise<void> {
    while (
      this.position === null ||
      this.eventStore.comparePositions(this.position, position) < 0
    ) {
      if (this.stopped) throw new Error('The projection is stopped');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async assertReadModelReachable(): Promise<void> {
    await this.readModel.ping();
  }

  /** Applies freshly appended events now, so the caller reads its own writes. */
  async applyInline(events: readonly RecordedEvent[]): Promise<void> {
    const changes = events.flatMap((event) => this.project(event));
    if (changes.length > 0) await this.readModel.applyChanges(changes);
  }

  status(): ProjectionStatus {
    return {
      running: !this.stopped && this.subscription !== null,
      caughtUp: this.caughtUp,
      position: this.position,
      processed: this.processed,
      lastError: this.lastError,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.stop();
    await this.flushing.catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  private async subscribe(): Promise<void> {
    this.pending = { changes: [], position: null, events: 0 };
    const checkpoint = await this.readModel.getCheckpoint(READ_MODEL_PROJECTION);
    this.position = checkpoint;
    // From the start of the log (a new or dropped read model) it is a rebuild: bulk-load it.
    this.bulkLoading = checkpoint === null && !this.caughtUp;
    if (this.bulkLoading) await this.readModel.setBulkLoading(true);
    this.subscription = this.eventStore.subscribeToAll({
      after: checkpoint,
      onEvent: (event, context) => this.handle(event, context),
      onCaughtUp: () => {
        this.flushing = this.flushing.then(() => this.flush()).then(() => this.markCaughtUp());
        this.flushing.catch((error: unknown) => {
          void this.subscription?.stop();
          this.restartAfter(error);
        });
      },
      onError: (error) => this.restartAfter(error),
    });
  }

  /** Synchronous until a batch is full: no promise per event while catching up. */
  private handle(event: RecordedEvent, context: EventHandlerContext): Promise<void> | undefined {
    for (const change of this.project(event)) this.pending.changes.push(change);
    this.pending.position = event.position;
    this.pending.events += 1;
    const batch = this.bulkLoading ? BULK_LOAD_BATCH : CATCH_UP_BATCH;
    if (!context.catchingUp || this.pending.events >= batch) {
      this.flushing = this.flushing.then(() => this.flush());
      return this.flushing;
    }
    return undefined;
  }

  private async flush(): Promise<void> {
    const { changes, position, events } = this.pending;
    if (position === null) return;
    this.pending = { changes: [], position: null, events: 0 };
    await this.readModel.applyChanges(changes, { projection: READ_MODEL_PROJECTION, position });
    this.position = position;
    this.processed += events;
    this.lastError = null;
    this.retryDelayMs = 250;
  }

  private async markCaughtUp(): Promise<void> {
    if (this.caughtUp) return;
    await this.readModel.setBulkLoading(false);
    this.bulkLoading = false;
    this.caughtUp = true;
    this.logger.log(`Read model caught up at position ${this.position ?? 'start'}`);
    for (const resolve of this.caughtUpWaiters.splice(0)) resolve();
  }

  /**
   * A damaged store during the first catch-up ends start() with that error: retrying cannot
   * repair a file, and a start waiting forever would print nothing and never listen.
   */
  private failsStart(error: unknown): boolean {
    const damaged = error instanceof EventLogDamagedError || error instanceof ReadModelDamagedError;
    if (!damaged || this.caughtUp || this.startFailureWaiters.length === 0) return false;
    this.lastError = error.message;
    for (const reject of this.startFailureWaiters.splice(0)) reject(error);
    return true;
  }

  private project(event: RecordedEvent): ReadModelChange[] {
    return this.projectors.flatMap((projector) => projector(event));
  }

  private restartAfter(error: unknown): void {
    if (this.failsStart(error)) return;
    this.lastError = error instanceof Error ? error.message : String(error);
    this.subscription = null;
    this.flushing = Promise.resolve();
    if (this.stopped) return;
    this.logger.warn(`Projection stopped (${this.lastError}); retrying in ${this.retryDelayMs} ms`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.stopped) return;
      this.subscribe().catch((failure: unknown) => this.restartAfter(failure));
    }, this.retryDelayMs);
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, MAX_RETRY_DELAY_MS);
  }
}
