import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  jsonEvent,
} from '@eventstore/db-client';
import type { JSONType } from '@eventstore/db-client';
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
import { WriteFailureListeners } from '../write-failure-listeners';
import { AllSubscription } from './eventstoredb-all-subscription';
import { readCheckpoint, storeCheckpoint } from './eventstoredb-checkpoints';
import { toPortError } from './eventstoredb-errors';
import { createLogId, findHead, readLogId } from './eventstoredb-log-identity';
import {
  collectWithin,
  positionOfRevision,
  readProductEvents,
  readStreamEvents,
} from './eventstoredb-reads';
import {
  DEFAULT_STREAM_PREFIXES,
  appendedRevisions,
  compareEncodedPositions,
  encodePosition,
  toClientExpectedRevision,
  toPortRevision,
  toRevisionNumber,
  validateStreamPrefixes,
} from './positions';

export { isEventStoreDbUnreachable } from './eventstoredb-errors';
export { LOG_IDENTITY_STREAM } from './eventstoredb-log-identity';

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
  private readonly writeFailures = new WriteFailureListeners();
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
      throw this.writeFailures.report(toPortError(error, { streamName, expected }));
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
      : await positionOfRevision(this.client, this.readTimeoutMs, streamName, nextExpectedRevision);
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
    return readStreamEvents(this.client, this.readTimeoutMs, streamName, {
      fromRevision: from === 0 ? START : BigInt(from),
      direction: FORWARDS,
      ...(options.maxCount === undefined ? {} : { maxCount: Math.floor(options.maxCount) }),
    });
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    return readProductEvents(this.client, this.prefixes, this.readTimeoutMs, options);
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

  /** The log's id (created by the first caller, see createLogId) and its newest product event. */
  async logIdentity(): Promise<LogIdentity> {
    this.assertOpen();
    const logId =
      (await readLogId(this, this.location)) ?? (await createLogId(this, this.location));
    const head = await findHead(this.client, this.prefixes, this.readTimeoutMs);
    return { logId, head, location: this.location };
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
      throw this.writeFailures.report(
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
    return this.writeFailures.add(listener);
  }

  /** Checkpoints live in `$` streams of their own (see eventstoredb-checkpoints.ts). */
  async readCheckpoint(name: string): Promise<Position | null> {
    this.assertOpen();
    return readCheckpoint(this.client, this.readTimeoutMs, name);
  }

  async storeCheckpoint(name: string, position: Position): Promise<void> {
    this.assertOpen();
    await storeCheckpoint(this, this.client, this.readTimeoutMs, name, position);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.writeFailures.clear();
    await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('The event store is closed');
  }
}

/** `esdb://user:secret@host:2113?tls=false` → `esdb://host:2113`: never a credential in a message. */
export function serverAddress(connectionString: string): string {
  const match = /^([a-z+]+:\/\/)(?:[^@/]*@)?([^/?]*)/i.exec(connectionString);
  return match ? `${match[1]}${match[2]}` : 'EventStoreDB';
}

function jsonCopy(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}
