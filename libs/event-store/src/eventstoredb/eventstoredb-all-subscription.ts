import { BACKWARDS, END, START, streamNameFilter } from '@eventstore/db-client';
import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  EventStoreDBClient,
  StreamingRead,
} from '@eventstore/db-client';
import { EventStoreUnavailableError, SubscribeOptions } from '../event-store.port';
import { SubscriptionEnded, isTransient } from './eventstoredb-errors';
import { cancelRead, collectWithin, noop, toPortEvent } from './eventstoredb-reads';
import {
  LogPosition,
  backoffDelay,
  compareLogPositions,
  isProductEvent,
  parsePosition,
} from './positions';

/** How far back subscribeToAll looks for the newest product event (its catch-up target). */
const TARGET_SCAN_LIMIT = 4096;
const TARGET_SCAN_BATCH = 256;

/** In-band signals pushed into the subscription's stream, so they keep their place among events. */
const CAUGHT_UP = { marker: 'caught-up' } as const;
interface CheckpointMarker {
  readonly marker: 'checkpoint';
  readonly position: LogPosition;
}
type Marker = typeof CAUGHT_UP | CheckpointMarker;
type SubscriptionItem = AllStreamResolvedEvent | Marker;

const isMarker = (item: SubscriptionItem): item is Marker => 'marker' in item;

/** An error thrown by the caller's handler: it stops the subscription, it is never retried. */
class HandlerFailure extends Error {
  constructor(readonly failure: unknown) {
    super('The subscription handler failed');
  }
}

export interface AllSubscriptionConfig {
  readonly client: EventStoreDBClient;
  readonly prefixes: string[];
  readonly readTimeoutMs: number;
  readonly isClosed: () => boolean;
  readonly onDropped?: (error: unknown, retryInMs: number) => void;
}

/**
 * A catch-up subscription to $all that survives connection drops. The client's subscription
 * emits 'error' and ends when the connection drops and does not resubscribe, so this loop
 * resubscribes from the last position it processed, with a capped backoff, until stopped.
 */
export class AllSubscription {
  readonly done: Promise<void>;
  private stopped = false;
  private current: AllStreamSubscription | null = null;
  private wake: (() => void) | null = null;
  private attempt = 0;
  /** The last event taken from the log (delivered or filtered out): resubscription is after it. */
  private lastPosition: LogPosition | null;
  /** The newest product event when the subscription started; null when there was none. */
  private target: LogPosition | null | undefined = undefined;
  private caughtUp = false;

  private readonly client: EventStoreDBClient;
  private readonly prefixes: string[];
  /** The read in flight while looking for the catch-up target, cancelled by stop(). */
  private currentRead: StreamingRead<unknown> | null = null;

  constructor(
    private readonly options: SubscribeOptions,
    private readonly config: AllSubscriptionConfig,
  ) {
    this.client = config.client;
    this.prefixes = config.prefixes;
    this.lastPosition = options.after ? parsePosition(options.after) : null;
    this.done = this.run().catch((error: unknown) => {
      if (this.stopped) return;
      this.stopped = true;
      try {
        options.onError?.(error instanceof HandlerFailure ? error.failure : error);
      } catch {
        // A failing error callback has nowhere left to report to.
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.release(this.current);
    if (this.currentRead) cancelRead(this.currentRead);
    await this.done;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (this.config.isClosed()) throw new EventStoreUnavailableError('The event store is closed');
      try {
        if (this.target === undefined) this.target = await this.findCatchUpTarget();
        if (!this.caughtUp && this.reached(this.lastPosition)) this.reportCaughtUp();
        await this.consume();
        if (this.stopped) return;
        throw new SubscriptionEnded();
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof HandlerFailure || !isTransient(error)) throw error;
        this.attempt += 1;
        const delay = backoffDelay(this.attempt);
        this.config.onDropped?.(error, delay);
        await this.sleep(delay);
      }
    }
  }

  /** Delivers events from one client subscription until it ends, fails or is stopped. */
  private async consume(): Promise<void> {
    // stop() may have come from onCaughtUp, or while no client subscription existed.
    if (this.stopped) return;
    const subscription = this.client.subscribeToAll({
      fromPosition: this.lastPosition ?? START,
      resolveLinkTos: false,
      filter: streamNameFilter({
        prefixes: [...this.prefixes],
        // Called inside the client's transform before it moves on, so the marker lands in order.
        checkpointReached: (source, position) => {
          source.push({ marker: 'checkpoint', position } satisfies CheckpointMarker);
        },
      }),
    });
    this.current = subscription;
    // The client re-emits gRPC errors on the stream even after iteration ended; without a
    // listener such a late 'error' would crash the process. Iteration still sees every error.
    subscription.on('error', noop);
    subscription.on('confirmation', () => {
      this.attempt = 0;
    });
    // Servers from 23.10 on send caughtUp; the client emits it from inside its transform, after
    // pushing every earlier event, so the marker pushed here follows them.
    subscription.on('caughtUp', () => {
      subscription.push(CAUGHT_UP);
    });
    try {
      for await (const item of subscription as AsyncIterable<SubscriptionItem>) {
        if (this.stopped) return;
        this.attempt = 0;
        if (isMarker(item)) {
          this.onMarker(item);
          continue;
        }
        const event = item.event;
        if (!event) continue;
        // Start positions are exclusive, and after a resubscription nothing is delivered twice.
        if (this.lastPosition && compareLogPositions(event.position, this.lastPosition) <= 0) {
          continue;
        }
        if (isProductEvent(this.prefixes, event.streamId, event.type)) {
          const recorded = toPortEvent(event);
          try {
            await this.options.onEvent(recorded, { catchingUp: !this.caughtUp });
          } catch (error) {
            throw new HandlerFailure(error);
          }
        }
        this.lastPosition = event.position;
        if (!this.caughtUp && this.reached(event.position)) this.reportCaughtUp();
      }
    } finally {
      this.current = null;
      this.release(subscription);
    }
  }

  private onMarker(marker: Marker): void {
    if (this.caughtUp) return;
    if (marker.marker === 'caught-up') return this.reportCaughtUp();
    // A checkpoint means the server has looked at every event before it.
    if (this.target !== undefined && this.target !== null) {
      if (compareLogPositions(marker.position, this.target) > 0) this.reportCaughtUp();
    }
  }

  /** Whether everything up to `position` covers the events that existed at the start. */
  private reached(position: LogPosition | null): boolean {
    if (this.target === undefined) return false;
    if (this.target === null) return true;
    return position !== null && compareLogPositions(position, this.target) >= 0;
  }

  private reportCaughtUp(): void {
    this.caughtUp = true;
    try {
      this.options.onCaughtUp?.();
    } catch (error) {
      throw new HandlerFailure(error);
    }
  }

  /**
   * The position of the newest product event in the log, found by reading $all backwards. It
   * backs up the server's caughtUp message, which servers before 23.10 never send. If no product
   * event is among the newest TARGET_SCAN_LIMIT events, the newest event of all is the target.
   */
  private async findCatchUpTarget(): Promise<LogPosition | null> {
    let before: LogPosition | null = null;
    let head: LogPosition | null = null;
    let scanned = 0;
    while (scanned < TARGET_SCAN_LIMIT) {
      const read = this.client.readAll({
        direction: BACKWARDS,
        fromPosition: before ?? END,
        maxCount: TARGET_SCAN_BATCH,
      });
      this.currentRead = read;
      let batch: AllStreamResolvedEvent[];
      try {
        batch = await collectWithin(read, this.config.readTimeoutMs);
      } finally {
        this.currentRead = null;
      }
      let oldest: LogPosition | null = null;
      for (const { event } of batch) {
        if (!event) continue;
        // Backwards reads may or may not include the start position: never count it twice.
        if (before && compareLogPositions(event.position, before) >= 0) continue;
        head ??= event.position;
        oldest = event.position;
        scanned += 1;
        if (isProductEvent(this.prefixes, event.streamId, event.type)) return event.position;
      }
      if (batch.length < TARGET_SCAN_BATCH || oldest === null) return null;
      before = oldest;
    }
    return head;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = () => done();
      this.wake = wake;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    }).finally(() => {
      this.wake = null;
    });
  }

  private release(subscription: AllStreamSubscription | null): void {
    if (!subscription || subscription.destroyed) return;
    // unsubscribe cancels the gRPC call; destroy ends an iteration that is waiting for data.
    subscription.unsubscribe().catch(noop);
    subscription.destroy();
  }
}
