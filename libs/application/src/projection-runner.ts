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
import { READ_MODEL, ProjectedEvent, ReadModel, ReadModelDamagedError } from '@pat/read-model';
import { GapFillingApplier } from './gap-filling';
import { InlineProjections } from './inline-projections';
import { ProjectionLag, ProjectionStatus, measureLag } from './projection-status';
import { PROJECTORS, Projector, projectEvent } from './projector';

export type { ProjectionLag, ProjectionStatus } from './projection-status';

/** One subscription feeds every projector; its checkpoint is stored under this name. */
export const READ_MODEL_PROJECTION = 'read-model';
// Events per read-model transaction while catching up, and while rebuilding from the start of
// the log: fewer, larger commits (a commit rewrites every page the batch touched).
const CATCH_UP_BATCH = 10_000;
const BULK_LOAD_BATCH = 100_000;
const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Keeps the read model in step with the event log: a catch-up subscription from the stored
 * checkpoint (never from "now"), at-least-once delivery, idempotent writes guarded by stream
 * revision. While catching up, events are applied in batches with one checkpoint per batch;
 * live events are applied one by one. If the subscription fails (say the read model is down) it
 * restarts from the last stored checkpoint with a growing delay.
 *
 * Two paths write the read model — this subscription and the inline path that gives commands
 * read-your-writes — so one stream's events can reach it out of order. The read model refuses an
 * event that does not follow the last one it reflects of its stream (StreamGapError); the
 * missing events are then read from the log and applied first. Nothing is ever skipped.
 *
 * Fail closed: while the read model is behind the log it was shown to be at (found wiped or
 * reset, or an append recorded while it was unreachable), `servingRefusal` names why, and
 * authentication answers 503 until it has caught up again.
 */
@Injectable()
export class ProjectionRunner implements OnModuleDestroy {
  private readonly logger = new Logger(ProjectionRunner.name);
  private subscription: Subscription | null = null;
  private pending: { events: ProjectedEvent[]; position: Position | null } = {
    events: [],
    position: null,
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
  /** Why the read model is behind, while it is (null once caught up). */
  private behindBecause: string | null = 'the read model has not caught up with the event log yet';
  private readonly inline: InlineProjections;
  private readonly gaps: GapFillingApplier;
  private wasCaughtUp = false;
  private epoch = 0;
  /** The read model was bound to the event log when this process last caught up. */
  private bound = false;
  /** Found wiped: the next subscription clears it and starts from the start of the log. */
  private rebuildFromStart = false;
  /** start() callers waiting for the first catch-up, told when it cannot happen (see below). */
  private startFailureWaiters: Array<(error: unknown) => void> = [];

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    @Inject(PROJECTORS) private readonly projectors: Projector[],
  ) {
    this.gaps = new GapFillingApplier(readModel, eventStore, (event) => this.project(event));
    this.inline = new InlineProjections({
      apply: (events) => this.gaps.apply(events),
      project: (event) => this.project(event),
      comparePositions: (a, b) => eventStore.comparePositions(a, b),
      isStopped: () => this.stopped,
      onDeferred: () => {
        this.epoch += 1;
      },
    });
  }

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
  applyInline(events: readonly RecordedEvent[]): Promise<void> {
    return this.inline.apply(events);
  }

  /** Waits for the inline projections under way for this stream (see InlineProjections). */
  whenShown(streamName: string): Promise<void> {
    return this.inline.whenShown(streamName);
  }

  /** No credential is honoured until these streams' appended events are shown. */
  holdUntilShown(streamNames: Iterable<string>): void {
    this.inline.holdUntilShown(streamNames);
  }

  /** Appended events that could not be shown: held until they are (see InlineProjections). */
  deferInline(events: readonly RecordedEvent[]): void {
    this.inline.defer(events);
  }

  /**
   * Changes whenever the read model is found behind the log (a reset, a change it could not
   * show). A credential read that started in one epoch and ended in another may have read what
   * a recorded revocation has already overtaken, so it is not honoured either.
   */
  servingEpoch(): number {
    return this.epoch;
  }

  /** Why no credential may be honoured now (the read model is behind the log), or null. */
  servingRefusal(): string | null {
    if (this.inline.unprojectedCount > 0) {
      return 'changes recorded in the event log are not in the read model yet; they are applied as soon as it answers';
    }
    return this.caughtUp ? null : this.behindBecause;
  }

  /**
   * Notices a read model that lost what it had (wiped, or replaced by an empty one) while the
   * subscription runs on: its binding to the event log is gone (the projection never writes it,
   * unlike a checkpoint, so writes made since the wipe cannot hide it). The projection then
   * rebuilds it from the start of the log, failing closed until it has caught up.
   */
  async checkForReset(): Promise<void> {
    if (this.stopped || !this.caughtUp || !this.bound) return;
    if ((await this.readModel.readLogBinding()) !== null || this.stopped || !this.caughtUp) return;
    this.fallBehind(
      'the read model was found empty (wiped or replaced); rebuilding it from the event log',
    );
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.stop();
    await this.flushing.catch(() => undefined);
    this.flushing = Promise.resolve();
    this.rebuildFromStart = true;
    this.position = null;
    if (!this.stopped) await this.subscribe().catch((error: unknown) => this.restartAfter(error));
  }

  /** How far the subscription is behind the head of the log (see measureLag). */
  lag(now: Date, maxCount = 10_000): Promise<ProjectionLag> {
    return measureLag(this.eventStore, this.position, now, maxCount);
  }

  status(): ProjectionStatus {
    return {
      running: !this.stopped && this.subscription !== null,
      caughtUp: this.caughtUp,
      position: this.position,
      processed: this.processed,
      lastError: this.lastError,
      unprojected: this.inline.unprojectedCount,
      gapsFilled: this.gaps.gapsFilled,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.inline.stop();
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.stop();
    await this.flushing.catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  private async subscribe(): Promise<void> {
    this.pending = { events: [], position: null };
    if (this.rebuildFromStart) {
      // What was written since a wipe (a checkpoint among it) is no base to resume from.
      await this.readModel.clear();
      this.rebuildFromStart = false;
    }
    const checkpoint = await this.readModel.getCheckpoint(READ_MODEL_PROJECTION);
    if (
      this.position !== null &&
      (checkpoint === null || this.eventStore.comparePositions(checkpoint, this.position) < 0)
    ) {
      this.fallBehind(
        `the read model is behind what it had shown (checkpoint ${checkpoint ?? 'none'}, ` +
          `had ${this.position}); catching up from the event log`,
      );
    }
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
    this.pending.events.push(this.project(event));
    this.pending.position = event.position;
    const batch = this.bulkLoading ? BULK_LOAD_BATCH : CATCH_UP_BATCH;
    if (!context.catchingUp || this.pending.events.length >= batch) {
      this.flushing = this.flushing.then(() => this.flush());
      return this.flushing;
    }
    return undefined;
  }

  private async flush(): Promise<void> {
    const { events, position } = this.pending;
    if (position === null) return;
    this.pending = { events: [], position: null };
    await this.gaps.apply(events, { projection: READ_MODEL_PROJECTION, position });
    this.position = position;
    this.processed += events.length;
    this.lastError = null;
    this.retryDelayMs = 250;
    this.inline.forgetUpTo(position);
  }

  private async markCaughtUp(): Promise<void> {
    if (this.caughtUp) return;
    await this.readModel.setBulkLoading(false);
    this.bulkLoading = false;
    // The binding is what tells a read model wiped under this process (see checkForReset).
    if ((await this.readModel.readLogBinding()) === null) {
      await this.readModel.bindToLog((await this.eventStore.logIdentity()).logId);
    }
    this.bound = true;
    this.caughtUp = true;
    this.logger.log(
      `Read model caught up${this.wasCaughtUp ? ' again' : ''} at position ${this.position ?? 'start'}`,
    );
    this.wasCaughtUp = true;
    this.behindBecause = null;
    for (const resolve of this.caughtUpWaiters.splice(0)) resolve();
  }

  private fallBehind(reason: string): void {
    this.epoch += 1;
    if (!this.caughtUp) return;
    this.caughtUp = false;
    this.behindBecause = reason;
    this.logger.warn(`No credential is honoured until the read model has caught up: ${reason}`);
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

  private project(event: RecordedEvent): ProjectedEvent {
    return projectEvent(this.projectors, event);
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
