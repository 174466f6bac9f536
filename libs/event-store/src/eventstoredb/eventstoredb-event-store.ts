import { randomUUID } from 'node:crypto';
import {
  AccessDeniedError,
  BACKWARDS,
  CancelledError,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  FORWARDS,
  NotLeaderError,
  START,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
  convertToCommandError,
  jsonEvent,
  streamNameFilter,
} from '@eventstore/db-client';
import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  JSONType,
  RecordedEvent as ClientRecordedEvent,
  StreamingRead,
} from '@eventstore/db-client';
import type { EventMetadata } from '@pat/shared';
import {
  AppendResult,
  EventStore,
  EventStoreUnavailableError,
  ExpectedRevision,
  LogIdentity,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  WrongExpectedRevisionError,
} from '../event-store.port';
import type { CheckpointStore } from '../checkpoint-store.port';
import {
  DEFAULT_STREAM_PREFIXES,
  LogPosition,
  appendedRevisions,
  backoffDelay,
  compareEncodedPositions,
  compareLogPositions,
  encodePosition,
  isProductEvent,
  parsePosition,
  toClientExpectedRevision,
  toPortRevision,
  toRevisionNumber,
  validateStreamPrefixes,
} from './positions';

export interface EventStoreDbEventStoreOptions {
  /**
   * The product's stream categories. readAll and subscribeToAll return only events of streams
   * starting with one of them (never system streams or `$` event types).
   */
  readonly streamPrefixes?: readonly string[];
  /** How long ping waits for an answer before calling the store unreachable. */
  readonly pingTimeoutMs?: number;
  /**
   * How long one read request may take. The client gives reads no deadline at all, so a server
   * that accepts the call but never answers would hang the caller without this.
   */
  readonly readTimeoutMs?: number;
  /** Told when a subscription lost its connection and is about to resubscribe. */
  readonly onSubscriptionDropped?: (error: unknown, retryInMs: number) => void;
}

/** Events read per request when paging $all (filtering happens on this side, see readAll). */
const MIN_READ_BATCH = 64;
const MAX_READ_BATCH = 4096;
/** How far back subscribeToAll looks for the newest product event (its catch-up target). */
const TARGET_SCAN_LIMIT = 4096;
const TARGET_SCAN_BATCH = 256;

const noop = () => undefined;

/**
 * The stream holding the log's id: one event, written once with expectedRevision no_stream. A
 * `$` stream, so readAll and subscribeToAll leave it out like the server's own system streams.
 */
export const LOG_IDENTITY_STREAM = '$pat-log-identity';
const checkpointStream = (name: string) => `$pat-checkpoint-${name}`;
const CHECKPOINT_EVENT = 'PatCheckpointStored';
const LOG_IDENTITY_EVENT = 'PatLogIdentified';
/** How far back logIdentity looks for the newest product event before settling for any event. */
const HEAD_SCAN_LIMIT = 100_000;

/**
 * The write probe's stream: outside every product category, so readAll and subscribeToAll never
 * return its events, and capped at one event ($maxCount) so that scavenges drop the rest.
 */
export const WRITE_PROBE_STREAM = 'pat-write-probe';

/**
 * The production event log: EventStoreDB through `@eventstore/db-client` (v6, gRPC).
 *
 * Reading and subscribing to $all needs an admin user (EventStoreDB's default ACL), so the
 * connection string carries credentials unless the server runs insecure, e.g.
 * `esdb://admin:changeit@localhost:2113?tls=false` or `esdb://localhost:2113?tls=false`.
 * Events must carry log positions on stream reads, which EventStoreDB does from 22.10 on.
 */
export class EventStoreDbEventStore implements EventStore, CheckpointStore {
  private readonly client: EventStoreDBClient;
  private readonly prefixes: string[];
  private readonly pingTimeoutMs: number;
  private readonly readTimeoutMs: number;
  private readonly onSubscriptionDropped?: (error: unknown, retryInMs: number) => void;
  private readonly subscriptions = new Set<AllSubscription>();
  private readonly writeFailureListeners = new Set<(error: EventStoreUnavailableError) => void>();
  private probeStreamCapped = false;
  private closed = false;
  /** The server's address without credentials, for messages. */
  private readonly location: string;

  constructor(connectionString: string, options: EventStoreDbEventStoreOptions = {}) {
    this.prefixes = validateStreamPrefixes(options.streamPrefixes ?? DEFAULT_STREAM_PREFIXES);
    this.pingTimeoutMs = options.pingTimeoutMs ?? 5000;
    this.readTimeoutMs = options.readTimeoutMs ?? 30_000;
    this.onSubscriptionDropped = options.onSubscriptionDropped;
    // Parses the string only; the connection is made on the first call.
    this.client = EventStoreDBClient.connectionString(connectionString);
    this.location = serverAddress(connectionString);
  }

  async appendToStream(
    streamName: string,
    events: readonly NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    this.assertOpen();
    if (events.length === 0) throw new Error('appendToStream needs at least one event');
    const expected = options.expectedRevision;
    const proposed = events.map((event) =>
      jsonEvent({
        id: event.id ?? randomUUID(),
        type: event.type,
        data: event.data as JSONType,
        metadata: event.metadata as unknown as JSONType,
      }),
    );
    let result;
    try {
      result = await this.client.appendToStream(streamName, proposed, {
        expectedRevision: toClientExpectedRevision(expected),
      });
    } catch (error) {
      throw this.reportedWriteFailure(toPortError(error, { streamName, expected }));
    }
    if (!result.success) {
      // Only with `throwOnAppendFailure=false` in the connection string; the client's batch
      // append then reports the current revision unreliably, so it is a best guess.
      throw new WrongExpectedRevisionError(
        streamName,
        expected,
        toPortRevision(result.nextExpectedRevision),
      );
    }
    const nextExpectedRevision = toRevisionNumber(result.nextExpectedRevision);
    // The server reports one position per append: the last event's. The earlier events of a
    // multi-event append have smaller positions the client never learns, so they carry the
    // append's position too; callers only rely on the last position and the revisions.
    const position = result.position
      ? encodePosition(result.position)
      : await this.positionOfRevision(streamName, nextExpectedRevision);
    const revisions = appendedRevisions(nextExpectedRevision, events.length);
    const recorded = events.map((event, i): RecordedEvent => ({
      id: proposed[i].id,
      streamName,
      revision: revisions[i],
      position,
      type: event.type,
      // What a read returns: the JSON the server stored.
      data: jsonCopy(event.data),
      metadata: jsonCopy(event.metadata) as EventMetadata,
    }));
    return { nextExpectedRevision, position, events: recorded };
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const from = Math.max(0, Math.floor(options.fromRevision ?? 0));
    if (options.maxCount !== undefined && options.maxCount < 1) return [];
    try {
      const resolved = await collectWithin(
        this.client.readStream(streamName, {
          fromRevision: from === 0 ? START : BigInt(from),
          direction: FORWARDS,
          ...(options.maxCount === undefined ? {} : { maxCount: Math.floor(options.maxCount) }),
        }),
        this.readTimeoutMs,
      );
      return resolved.flatMap(({ event, commitPosition }) =>
        event ? [toPortEvent(event, commitPosition)] : [],
      );
    } catch (error) {
      if (normalizeError(error) instanceof StreamNotFoundError) return [];
      throw toPortError(error);
    }
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    const limit = Math.max(0, Math.floor(options.maxCount));
    if (limit === 0) return [];
    // fromPosition is inclusive on a forwards read of $all (the server reads from `>= pos`), so
    // the event at `after` comes back first and is skipped; batches overlap by that one event.
    let from: LogPosition | null = options.after ? parsePosition(options.after) : null;
    // Client v6 cannot filter readAll on the server, so system and foreign events are dropped
    // here, reading on until the page is full or the log ends.
    const batchSize = Math.min(Math.max(limit + 1, MIN_READ_BATCH), MAX_READ_BATCH);
    const page: RecordedEvent[] = [];
    try {
      while (page.length < limit) {
        const batch = await collectWithin(
          this.client.readAll({
            fromPosition: from ?? START,
            direction: FORWARDS,
            maxCount: batchSize,
            resolveLinkTos: false,
          }),
          this.readTimeoutMs,
        );
        let last: LogPosition | null = null;
        for (const { event } of batch) {
          if (!event) continue;
          last = event.position;
          if (from && compareLogPositions(event.position, from) <= 0) continue;
          if (!isProductEvent(this.prefixes, event.streamId, event.type)) continue;
          page.push(toPortEvent(event));
          if (page.length === limit) break;
        }
        if (batch.length < batchSize || last === null) break;
        if (from && compareLogPositions(last, from) <= 0) break;
        from = last;
      }
    } catch (error) {
      throw toPortError(error);
    }
    return page;
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    const subscription = new AllSubscription(options, {
      client: this.client,
      prefixes: this.prefixes,
      readTimeoutMs: this.readTimeoutMs,
      isClosed: () => this.closed,
      onDropped: this.onSubscriptionDropped,
    });
    this.subscriptions.add(subscription);
    void subscription.done.then(() => this.subscriptions.delete(subscription));
    return { stop: () => subscription.stop() };
  }

  comparePositions(a: Position, b: Position): number {
    return compareEncodedPositions(a, b);
  }

  async ping(): Promise<void> {
    this.assertOpen();
    try {
      // The newest event of $all: cheap, and proves the credentials can read $all.
      await collectWithin(
        this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }),
        this.pingTimeoutMs,
      );
    } catch (error) {
      throw toPortError(error);
    }
  }

  /**
   * The id is created by the first caller on a log without one (a new server, or one written
   * before identities existed); concurrent first callers race on no_stream and all read back
   * the winner's id.
   */
  async logIdentity(): Promise<LogIdentity> {
    this.assertOpen();
    const logId = (await this.readLogId()) ?? (await this.createLogId());
    return { logId, head: await this.findHead(), location: this.location };
  }

  /**
   * One small event appended to WRITE_PROBE_STREAM, bounded by the ping timeout: it proves the
   * leader accepts writes (a cluster without quorum, or a server whose disk is full, still
   * answers reads). The stream is capped at one event the first time.
   */
  async probeWrite(): Promise<void> {
    this.assertOpen();
    try {
      if (!this.probeStreamCapped) {
        await this.client.setStreamMetadata(
          WRITE_PROBE_STREAM,
          { maxCount: 1 },
          { deadline: this.pingTimeoutMs },
        );
        this.probeStreamCapped = true;
      }
      await this.client.appendToStream(
        WRITE_PROBE_STREAM,
        jsonEvent({ type: 'WriteProbed', data: { at: new Date().toISOString() } }),
        { deadline: this.pingTimeoutMs },
      );
    } catch (error) {
      const portError = toPortError(error);
      throw this.reportedWriteFailure(
        portError instanceof EventStoreUnavailableError
          ? portError
          : new EventStoreUnavailableError(
              `EventStoreDB refused the write probe: ${error instanceof Error ? error.message : String(error)}`,
              { cause: error },
            ),
      );
    }
  }

  onWriteFailure(listener: (error: EventStoreUnavailableError) => void): () => void {
    this.writeFailureListeners.add(listener);
    return () => this.writeFailureListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.writeFailureListeners.clear();
    await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.client.dispose();
  }

  /** Tells the listeners about an append that failed because the store could not take it. */
  private reportedWriteFailure(error: unknown): unknown {
    if (error instanceof EventStoreUnavailableError) {
      for (const listener of this.writeFailureListeners) listener(error);
    }
    return error;
  }

  /**
   * A checkpoint is the one event of a `$` stream of its own (left out of readAll and
   * subscriptions like the log identity), capped at one event by `$maxCount` — the way the
   * server's own persistent subscriptions keep theirs.
   */
  async readCheckpoint(name: string): Promise<Position | null> {
    const [last] = await this.readLast(checkpointStream(name));
    const position = (last?.data as { position?: unknown } | undefined)?.position;
    return typeof position === 'string' ? position : null;
  }

  async storeCheckpoint(name: string, position: Position): Promise<void> {
    const stream = checkpointStream(name);
    const first = (await this.readLast(stream)).length === 0;
    await this.appendToStream(
      stream,
      [
        {
          type: CHECKPOINT_EVENT,
          data: { position },
          metadata: {
            occurredAt: new Date().toISOString(),
            actor: { userId: null, via: 'system' },
            requestId: null,
            schemaVersion: 1,
          },
        },
      ],
      { expectedRevision: 'any' },
    );
    if (first) {
      try {
        await this.client.setStreamMetadata(stream, { maxCount: 1 });
      } catch (error) {
        throw toPortError(error);
      }
    }
  }

  private async readLast(streamName: string): Promise<RecordedEvent[]> {
    this.assertOpen();
    try {
      const resolved = await collectWithin(
        this.client.readStream(streamName, {
          fromRevision: END,
          direction: BACKWARDS,
          maxCount: 1,
        }),
        this.readTimeoutMs,
      );
      return resolved.flatMap(({ event, commitPosition }) =>
        event ? [toPortEvent(event, commitPosition)] : [],
      );
    } catch (error) {
      if (normalizeError(error) instanceof StreamNotFoundError) return [];
      throw toPortError(error);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('The event store is closed');
  }

  private async readLogId(): Promise<string | null> {
    const [first] = await this.readStream(LOG_IDENTITY_STREAM);
    const logId = (first?.data as { logId?: unknown } | undefined)?.logId;
    if (first && typeof logId !== 'string') {
      throw new Error(`${LOG_IDENTITY_STREAM} on ${this.location} holds no log id`);
    }
    return first ? (logId as string) : null;
  }

  private async createLogId(): Promise<string> {
    const logId = randomUUID();
    try {
      await this.appendToStream(
        LOG_IDENTITY_STREAM,
        [
          {
            type: LOG_IDENTITY_EVENT,
            data: { logId },
            metadata: {
              occurredAt: new Date().toISOString(),
              actor: { userId: null, via: 'system' },
              requestId: null,
              schemaVersion: 1,
            },
          },
        ],
        { expectedRevision: 'no_stream' },
      );
      return logId;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      // Another instance created it first: its id is the log's.
      const winner = await this.readLogId();
      if (winner === null) throw error;
      return winner;
    }
  }

  /**
   * The newest product event of $all, read backwards. If none is among the newest
   * HEAD_SCAN_LIMIT events (a log of nothing but system events that long), the newest event of
   * all stands in: never null while something is there, so a read model is not refused for it.
   */
  private async findHead(): Promise<Position | null> {
    let before: LogPosition | null = null;
    let newest: LogPosition | null = null;
    let scanned = 0;
    try {
      while (scanned < HEAD_SCAN_LIMIT) {
        const batch: AllStreamResolvedEvent[] = await collectWithin(
          this.client.readAll({
            direction: BACKWARDS,
            fromPosition: before ?? END,
            maxCount: MAX_READ_BATCH,
            resolveLinkTos: false,
          }),
          this.readTimeoutMs,
        );
        let oldest: LogPosition | null = null;
        for (const { event } of batch) {
          if (!event) continue;
          if (before && compareLogPositions(event.position, before) >= 0) continue;
          if (isProductEvent(this.prefixes, event.streamId, event.type)) {
            return encodePosition(event.position);
          }
          newest ??= event.position;
          oldest = event.position;
          scanned += 1;
        }
        if (batch.length < MAX_READ_BATCH || oldest === null) return null;
        before = oldest;
      }
    } catch (error) {
      throw toPortError(error);
    }
    return newest === null ? null : encodePosition(newest);
  }

  /** The position of one event, for the rare append answer without a position. */
  private async positionOfRevision(streamName: string, revision: number): Promise<Position> {
    try {
      const [last] = await collectWithin(
        this.client.readStream(streamName, {
          fromRevision: END,
          direction: BACKWARDS,
          maxCount: 1,
        }),
        this.readTimeoutMs,
      );
      if (last?.event && toRevisionNumber(last.event.revision) === revision) {
        return toPortEvent(last.event, last.commitPosition).position;
      }
    } catch (error) {
      throw toPortError(error);
    }
    throw new Error(`EventStoreDB reported no position for ${streamName}@${revision}`);
  }
}

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

/** The server or the client ended the subscription without an error; treated as a drop. */
class SubscriptionEnded extends Error {
  constructor() {
    super('The subscription ended');
  }
}

interface AllSubscriptionConfig {
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
class AllSubscription {
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

async function collect<E>(read: StreamingRead<E>): Promise<E[]> {
  // As on subscriptions: a late re-emitted error must not crash the process.
  read.on('error', noop);
  const items: E[] = [];
  for await (const item of read) items.push(item);
  return items;
}

/** Collects a read, giving up (and cancelling it) when the server has not answered in time. */
async function collectWithin<E>(read: StreamingRead<E>, timeoutMs: number): Promise<E[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new EventStoreUnavailableError(`EventStoreDB did not answer within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([collect(read), timeout]);
  } catch (error) {
    cancelRead(read);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function cancelRead(read: StreamingRead<unknown>): void {
  read.cancel().catch(noop);
  if (!read.destroyed) read.destroy();
}

function toPortEvent(event: ClientRecordedEvent, commitPosition?: bigint): RecordedEvent {
  // Stream reads carry positions from EventStoreDB 22.10 on. Before that, only the commit
  // position may come, and events appended over gRPC have prepare == commit.
  const position =
    event.position ??
    (commitPosition !== undefined ? { commit: commitPosition, prepare: commitPosition } : null);
  if (!position) {
    throw new Error(
      `EventStoreDB sent no log position for ${event.streamId}@${event.revision}: ` +
        'the adapter needs EventStoreDB 22.10 or later',
    );
  }
  return {
    id: event.id,
    streamName: event.streamId,
    revision: toRevisionNumber(event.revision),
    position: encodePosition(position),
    type: event.type,
    data: event.data,
    metadata: event.metadata as unknown as EventMetadata,
  };
}

/** `esdb://user:secret@host:2113?tls=false` → `esdb://host:2113`: never a credential in a message. */
export function serverAddress(connectionString: string): string {
  const match = /^([a-z+]+:\/\/)(?:[^@/]*@)?([^/?]*)/i.exec(connectionString);
  return match ? `${match[1]}${match[2]}` : 'EventStoreDB';
}

function jsonCopy(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

/**
 * The client's error class for an error. Some paths (the server-features probe before an append)
 * throw the raw gRPC error, e.g. a plain Error with code 14, instead of UnavailableError.
 */
function normalizeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  try {
    return convertToCommandError(error);
  } catch {
    return error;
  }
}

/** Errors that mean the server could not be reached or answered: worth a retry, 503 to callers. */
function isTransient(error: unknown): boolean {
  const normalized = normalizeError(error);
  return (
    normalized instanceof UnavailableError ||
    normalized instanceof DeadlineExceededError ||
    normalized instanceof TimeoutError ||
    normalized instanceof CancelledError ||
    normalized instanceof NotLeaderError ||
    normalized instanceof UnknownError ||
    normalized instanceof SubscriptionEnded ||
    normalized instanceof EventStoreUnavailableError ||
    (normalized instanceof Error &&
      (normalized.message.startsWith('Failed to discover') ||
        (normalized as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE'))
  );
}

/**
 * Whether an error of this adapter means the server could not be reached or did not answer
 * (worth waiting for at start), as opposed to refusing (denied access, a protocol error).
 */
export function isEventStoreDbUnreachable(error: unknown): boolean {
  if (!(error instanceof EventStoreUnavailableError)) return isTransient(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause === undefined || isTransient(cause);
}

function toPortError(
  error: unknown,
  append?: { streamName: string; expected: ExpectedRevision },
): unknown {
  const normalized = normalizeError(error);
  if (normalized instanceof WrongExpectedVersionError && append) {
    return new WrongExpectedRevisionError(
      append.streamName,
      append.expected,
      toPortRevision(normalized.actualVersion),
    );
  }
  if (normalized instanceof EventStoreUnavailableError) return normalized;
  if (isTransient(normalized)) {
    return new EventStoreUnavailableError(
      `EventStoreDB cannot be reached: ${normalized instanceof Error ? normalized.message : String(normalized)}`,
      { cause: error },
    );
  }
  if (normalized instanceof AccessDeniedError) {
    return new EventStoreUnavailableError(
      'EventStoreDB denied access: the connection string needs an admin user to read $all',
      { cause: error },
    );
  }
  return error;
}
