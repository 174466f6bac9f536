import type { Position, RecordedEvent } from '@pat/event-store';
import type { ProjectedEvent } from '@pat/read-model';

/** How often changes recorded while the read model was unreachable are tried again. */
const DEFERRED_RETRY_MS = 200;

/** What the inline path needs of the projection runner. */
export interface InlineProjectionHost {
  /** Applies projected events to the read model, filling gaps from the log. */
  apply(events: ProjectedEvent[]): Promise<void>;
  project(event: RecordedEvent): ProjectedEvent;
  comparePositions(a: Position, b: Position): number;
  isStopped(): boolean;
  /** Appended events could not be shown: the read model is behind the log (a new epoch). */
  onDeferred(): void;
}

/**
 * The inline path of the projection runner (read-your-writes for commands) and its bookkeeping:
 * the projections under way by stream, and the appends that could not be shown yet, retried
 * until the read model has them. See ProjectionRunner for what callers rely on.
 */
export class InlineProjections {
  /** Appends whose inline projection failed, oldest first, retried until the read model has them. */
  private readonly unprojected: Array<readonly RecordedEvent[]> = [];
  /** Inline projections under way, by stream: appended events not shown yet. */
  private readonly inlineUnderWay = new Map<string, Map<readonly RecordedEvent[], Promise<void>>>();
  private deferredTimer: NodeJS.Timeout | null = null;

  constructor(private readonly host: InlineProjectionHost) {}

  /** Appends recorded in the log that the read model does not show yet. */
  get unprojectedCount(): number {
    return this.unprojected.length;
  }

  /** Applies freshly appended events now, so the caller reads its own writes. */
  async apply(events: readonly RecordedEvent[]): Promise<void> {
    const stream = events[0]?.streamName ?? '';
    let underWay = this.inlineUnderWay.get(stream);
    if (!underWay)
      this.inlineUnderWay.set(
        stream,
        (underWay = new Map<readonly RecordedEvent[], Promise<void>>()),
      );
    const applying = this.host.apply(events.map((event) => this.host.project(event)));
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
      for (const events of this.inlineUnderWay.get(name)?.keys() ?? []) this.defer(events);
    }
  }

  /**
   * Appended events that could not be shown: they are in the log, so they are in force. Until
   * the read model shows them (this retries, and so does the subscription when it passes them),
   * `servingRefusal` refuses every credential — a revocation recorded this way can never be
   * overtaken by a request that reads the read model before it.
   */
  defer(events: readonly RecordedEvent[]): void {
    if (events.length === 0) return;
    if (this.unprojected.includes(events)) return;
    this.host.onDeferred();
    this.unprojected.push(events);
    this.retrySoon();
  }

  /** Cancels the retry that is due (the runner stopped). */
  stop(): void {
    if (this.deferredTimer) clearTimeout(this.deferredTimer);
    // Else a start after this stop would never schedule the retry again.
    this.deferredTimer = null;
  }

  private retrySoon(): void {
    if (this.deferredTimer || this.host.isStopped()) return;
    this.deferredTimer = setTimeout(() => {
      this.deferredTimer = null;
      void this.retryDeferred();
    }, DEFERRED_RETRY_MS);
    this.deferredTimer.unref();
  }

  private async retryDeferred(): Promise<void> {
    while (this.unprojected.length > 0 && !this.host.isStopped()) {
      const events = this.unprojected[0];
      try {
        await this.apply(events);
      } catch {
        this.retrySoon();
        return;
      }
      // The subscription may have passed it meanwhile and dropped it already.
      const index = this.unprojected.indexOf(events);
      if (index >= 0) this.unprojected.splice(index, 1);
    }
  }

  /** The subscription applied the log up to `position`: deferred appends before it are shown. */
  forgetUpTo(position: Position): void {
    while (this.unprojected.length > 0) {
      const events = this.unprojected[0];
      const last = events[events.length - 1].position;
      if (this.host.comparePositions(last, position) > 0) return;
      this.unprojected.shift();
    }
  }
}
