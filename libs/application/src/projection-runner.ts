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
import {
  READ_MODEL,
  ProjectedEvent,
  ReadModel,
  ReadModelDamagedError,
  StreamGapError,
} from '@pat/read-model';
import { PROJECTORS, Projector, projectEvent } from './projector';

/** One subscription feeds every projector; its checkpoint is stored under this name. */
export const READ_MODEL_PROJECTION = 'read-model';
// Events per read-model transaction while catching up, and while rebuilding from the start of
// the log: fewer, larger commits (a commit rewrites every page the batch touched).
const CATCH_UP_BATCH = 10_000;
const BULK_LOAD_BATCH = 100_000;
const MAX_RETRY_DELAY_MS = 30_000;
/** Gap fills per batch before giving up (a second gap after a fill means a damaged log). */
const MAX_GAP_FILLS = 3;
/** How often changes recorded while the read model was unreachable are tried again. */
const DEFERRED_RETRY_MS = 200;

/** How far the subscription is behind the head of the log. */
export interface ProjectionLag {
  /** Events in the log after the last one applied, counted up to `capped` at most. */
  readonly events: number;
  /** True when there were more than could be counted (`events` is then the cap). */
  readonly capped: boolean;
  /** Seconds since the oldest event not applied yet occurred; 0 when none. */
  readonly seconds: number;
}

export interface ProjectionStatus {
  readonly running: boolean;
  readonly caughtUp: boolean;
  readonly position: Position | null;
  /** Events processed since start. */
  readonly processed: number;
  readonly lastError: string | null;
  /** Appends recorded in the log that the read model does not show yet (retried until it does). */
  readonly unprojected: number;
  /** Streams whose missing events were read back from the log since start. */
  readonly gapsFilled: number;
}

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
  /** Appends whose inline projection failed, oldest first, retried until the read model has them. */
  private readonly unprojected: Array<readonly RecordedEvent[]> = [];
  /** Inline projections under way, by stream: appended events not shown yet. */
  private readonly inlineUnderWay = new Map<string, Map<readonly RecordedEvent[], Promise<void>>>();
  private deferredTimer: NodeJS.Timeout | null = null;
  private gapsFilled = 0;
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
    const stream = events[0]?.streamName ?? '';
    let underWay = this.inlineUnderWay.get(stream);
    if (!underWay)
      this.inlineUnderWay.set(
        stream,
        (underWay = new Map<readonly RecordedEvent[], Promise<void>>()),
      );
    const applying = this.applyFillingGaps(events.map((event) => this.project(event)));
    underWay.set(events, applying);
    try {
      await applying;
      // Shown now: if it was held meanwhile (holdUntilShown), the hold ends here.
      const held = this.unprojected.indexOf(events);
      if (held >= 0) this.unprojected.splice(held, 1);
    } finally {
      underWay.delete(events);
      if (underWay.size === 0) this.inlineUnderWay.delete(stream);
    }
  }

  /**
   * Resolves once the inline projections under way for this stream have ended (shown, or
   * deferred and so refusing every credential): a command deciding on the stream answers after
   * them, so a second revoke's 409 never comes before the first revoke is in force.
   */
  async whenShown(streamName: string): Promise<void> {
    const underWay = this.inlineUnderWay.get(streamName);
    if (underWay) await Promise.allSettled([...underWay.values()]);
  }

  /**
   * Something is about to be answered about these streams while appended events of theirs may
   * not be shown yet (the request backstop answering before the command finished). From then on
   * no credential is honoured until those events are shown, so no request sent after that
   * answer reads a token from before them.
   */
  holdUntilShown(streamNames: Iterable<string>): void {
    for (const name of streamNames) {
      for (const events of this.inlineUnderWay.get(name)?.keys() ?? []) this.deferInline(events);
    }
  }

  /**
   * Appended events that could not be shown: they are in the log, so they are in force. Until
   * the read model shows them (this retries, and so does the subscription when it passes them),
   * `servingRefusal` refuses every credential — a revocation recorded this way can never be
   * overtaken by a request that reads the read model before it.
   */
  deferInline(events: readonly RecordedEvent[]): void {
    if (events.length === 0) return;
    if (this.unprojected.includes(events)) return;
    this.epoch += 1;
    this.unprojected.push(events);
    this.retryDeferredSoon();
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
    if (this.unprojected.length > 0) {
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

  /**
   * Counts what the log holds after the subscription's position (cheap when caught up: one
   * empty read). Positions are opaque (EventStoreDB's are byte offsets), so events are counted,
   * up to `maxCount`. `now` comes from the caller's clock, the one events are stamped with.
   */
  async lag(now: Date, maxCount = 10_000): Promise<ProjectionLag> {
    const behind = await this.eventStore.readAll({ after: this.position, maxCount });
    if (behind.length === 0) return { events: 0, capped: false, seconds: 0 };
    const oldest = Date.parse(behind[0].metadata.occurredAt);
    const seconds = Number.isNaN(oldest) ? 0 : Math.max(0, (now.getTime() - oldest) / 1000);
    return { events: behind.length, capped: behind.length >= maxCount, seconds };
  }

  status(): ProjectionStatus {
    return {
      running: !this.stopped && this.subscription !== null,
      caughtUp: this.caughtUp,
      position: this.position,
      processed: this.processed,
      lastError: this.lastError,
      unprojected: this.unprojected.length,
      gapsFilled: this.gapsFilled,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.deferredTimer) clearTimeout(this.deferredTimer);
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
    await this.applyFillingGaps(events, { projection: READ_MODEL_PROJECTION, position });
    this.position = position;
    this.processed += events.length;
    this.lastError = null;
    this.retryDelayMs = 250;
    this.forgetDeferredUpTo(position);
  }

  /**
   * Applies a batch; when the read model lacks earlier events of some streams, reads those
   * streams from the log and applies them first (the read model skips what it already has).
   */
  private async applyFillingGaps(
    events: ProjectedEvent[],
    checkpoint?: { projection: string; position: Position },
  ): Promise<void> {
    for (let fills = 0; ; fills++) {
      try {
        await this.readModel.applyEvents(events, checkpoint);
        return;
      } catch (error) {
        if (!(error instanceof StreamGapError) || fills >= MAX_GAP_FILLS) throw error;
        const streams = await Promise.all(
          // Only the missing events: a usage stream may hold tens of thousands.
          error.gaps.map((gap) =>
            this.eventStore.readStream(gap.streamName, {
              fromRevision: gap.applied + 1,
              maxCount: gap.arrived - gap.applied - 1,
            }),
          ),
        );
        this.gapsFilled += error.gaps.length;
        events = [...streams.flat().map((event) => this.project(event)), ...events];
      }
    }
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

  private retryDeferredSoon(): void {
    if (this.deferredTimer || this.stopped) return;
    this.deferredTimer = setTimeout(() => {
      this.deferredTimer = null;
      void this.retryDeferred();
    }, DEFERRED_RETRY_MS);
    this.deferredTimer.unref();
  }

  private async retryDeferred(): Promise<void> {
    while (this.unprojected.length > 0 && !this.stopped) {
      const events = this.unprojected[0];
      try {
        await this.applyInline(events);
      } catch {
        this.retryDeferredSoon();
        return;
      }
      // The subscription may have passed it meanwhile and dropped it already.
      const index = this.unprojected.indexOf(events);
      if (index >= 0) this.unprojected.splice(index, 1);
    }
  }

  /** The subscription applied the log up to `position`: deferred appends before it are shown. */
  private forgetDeferredUpTo(position: Position): void {
    while (this.unprojected.length > 0) {
      const events = this.unprojected[0];
      const last = events[events.length - 1].position;
      if (this.eventStore.comparePositions(last, position) > 0) return;
      this.unprojected.shift();
    }
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
