import type { EventMetadata } from '@pat/shared';

/**
 * The event log port. Semantics follow EventStoreDB (the production adapter): streams with
 * 0-based revisions, one global log ordered by position, optimistic concurrency on append.
 */

/** What the caller believes about the stream it appends to. */
export type ExpectedRevision =
  /** The stream must not exist yet. */
  | 'no_stream'
  /** The stream must exist (at any revision). */
  | 'stream_exists'
  /** No check. Use only where concurrency cannot matter. */
  | 'any'
  /** The stream's last event must have exactly this revision. */
  | number;

/**
 * A position in the global log. Opaque outside its adapter (SQLite uses a sequence number,
 * EventStoreDB a commit/prepare pair); only the adapter that produced it can compare or parse it.
 */
export type Position = string;

export interface NewEvent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
  /** Stable id for idempotent writes; generated when absent. */
  readonly id?: string;
}

export interface RecordedEvent<Data = unknown> {
  readonly id: string;
  readonly streamName: string;
  readonly revision: number;
  readonly position: Position;
  readonly type: string;
  readonly data: Data;
  readonly metadata: EventMetadata;
}

export interface AppendResult {
  /** Revision of the last event written. */
  readonly nextExpectedRevision: number;
  /** Position of the last event written. */
  readonly position: Position;
  readonly events: RecordedEvent[];
}

export interface ReadStreamOptions {
  /** The first revision to read (inclusive); 0 when absent. */
  readonly fromRevision?: number;
  /** At most this many events; all of them when absent. */
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Read events strictly after this position; from the start when null or absent. */
  readonly after?: Position | null;
  readonly maxCount: number;
}

export interface EventHandlerContext {
  /** True while the subscription is still catching up with events written before it started. */
  readonly catchingUp: boolean;
}

export interface SubscribeOptions {
  /** Deliver events strictly after this position; from the start when null or absent. */
  readonly after?: Position | null;
  /** Called for each event in log order; the next event waits until the promise settles. */
  /** May answer undefined when it handled the event at once (no promise per event in a replay). */
  readonly onEvent: (event: RecordedEvent, context: EventHandlerContext) => Promise<void> | void;
  /** Called once, when the subscription has delivered every event that existed when it started. */
  readonly onCaughtUp?: () => void;
  /** Called when the subscription stops because of an error (including one thrown by onEvent). */
  readonly onError?: (error: unknown) => void;
}

export interface Subscription {
  /** Stops delivery; resolves once no handler is running. */
  stop(): Promise<void>;
}

/** Which log this is and how far it goes: what a read model is bound to (see LogBindingCheck). */
export interface LogIdentity {
  /** Fixed when the log was created; never changes. */
  readonly logId: string;
  /** Position of the last event, or null for an empty log. */
  readonly head: Position | null;
  /** For messages: the file path or the server address. */
  readonly location: string;
}

export interface EventStore {
  appendToStream(
    streamName: string,
    events: readonly NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;

  /** The stream's events in revision order; a stream that does not exist is empty. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** A page of the global log in position order, without the store's own system events. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;

  /** Catch-up subscription to the global log: history after `after`, then live events. */
  subscribeToAll(options: SubscribeOptions): Subscription;

  /** Negative, zero or positive like a sort comparator. */
  comparePositions(a: Position, b: Position): number;

  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;

  /**
   * The log's identity and head. The id is created with the log (or, for a log written before
   * identities existed, on the first call) and stays the same for as long as the log exists.
   */
  logIdentity(): Promise<LogIdentity>;

  /**
   * A bounded, cheap write that proves the log accepts a durable commit now, without adding an
   * event to the log; throws EventStoreUnavailableError (EventLogDamagedError for a damaged log)
   * when it does not. A read-only ping cannot tell a full disk from a healthy one.
   */
  probeWrite(): Promise<void>;

  /**
   * Calls `listener` at once, before the append's promise rejects, whenever an append fails
   * because the log cannot take it (full, I/O error, read-only, damaged, unreachable); never for
   * a revision conflict. Returns a function that removes the listener.
   */
  onWriteFailure(listener: (error: EventStoreUnavailableError) => void): () => void;

  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(
      `Wrong expected revision on stream ${streamName}: expected ${String(expected)}, actual ${String(actual)}`,
    );
    this.name = 'WrongExpectedRevisionError';
  }
}

/** The store cannot be reached or read; callers fail closed (503). */
export class EventStoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreUnavailableError';
  }
}

/**
 * The log's storage is damaged (SQLITE_CORRUPT or SQLITE_NOTADB, or its WAL truncated or replaced
 * under the running process): nothing may be acknowledged into it. Still an
 * EventStoreUnavailableError, so requests fail closed (503); at start-up it ends the start, since
 * retrying cannot repair it, and the next start refuses until an operator restores the log.
 */
export class EventLogDamagedError extends EventStoreUnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventLogDamagedError';
  }
}

/** The message of an EventLogDamagedError for a store error met in the log's file. */
export const damagedLogMessage = (location: string, code: string, detail: string): string =>
  `The event log ${location} is damaged (${code}: ${detail.replace(/\s+/g, ' ').trim()}): ` +
  'restore it from a backup';

/** The revision a stream is at after reading its events, as the expected revision to append. */
export const expectedRevisionAfter = (events: readonly RecordedEvent[]): ExpectedRevision =>
  events.length === 0 ? 'no_stream' : events[events.length - 1].revision;
