import type { Position } from '@pat/event-store';
import type { ProjectedEvent, ProjectionCheckpoint } from './read-model-records';
import type {
  BoundedQueries,
  ProjectQueries,
  ReadModelInspection,
  TokenPolicyQueries,
  TokenQueries,
  UserQueries,
} from './read-model-queries';

export * from './read-model-records';
export * from './read-model-changes';
export * from './read-model-queries';
export * from './read-model-errors';

/**
 * The read model port: documents that projections keep up to date from the event log, and the
 * queries the API needs. The records and changes, the sequencing rules the adapters share, the
 * query interfaces and the errors live in the files re-exported above.
 */

export interface ReadModelWriter {
  /**
   * Applies the events' changes and stores the checkpoint if given, in one step where the store
   * allows it. The read model records the last revision it reflects of every stream: an event at
   * or below it is skipped (delivering an event twice is harmless); the next ones must follow it
   * without a gap, each stream's events in order — otherwise StreamGapError, and nothing of the
   * batch is applied. Resolves to the number of document writes that took effect.
   */
  applyEvents(
    events: readonly ProjectedEvent[],
    checkpoint?: ProjectionCheckpoint,
  ): Promise<number>;
  getCheckpoint(projection: string): Promise<Position | null>;
  /** Drops every document, stream revision and checkpoint, for a rebuild from the event log. */
  clear(): Promise<void>;
  /**
   * A rebuild from the start of the log begins (true) or is over (false). Meanwhile an adapter
   * may trade the cost of queries for write throughput (the embedded one drops its secondary
   * indexes and builds them again at the end); every query still answers correctly.
   */
  setBulkLoading(on: boolean): Promise<void>;
}

/**
 * Which event log the read model was built from, so that a service never serves a read model
 * with a log it did not come from (another deployment's, or a replaced one). See LogBindingCheck.
 */
export interface ReadModelLogBinding {
  /** The id of the event log this read model was built from; null for a new (or wiped) read model. */
  readLogBinding(): Promise<string | null>;
  /**
   * Records the log id if none is recorded (atomically: two instances starting at once agree);
   * throws ReadModelBoundToAnotherLogError if a different one is recorded. clear() removes it.
   */
  bindToLog(logId: string): Promise<void>;
  /** For messages: the read model's file path or server address (never a credential). */
  readonly location: string;
}

export interface ReadModel
  extends
    ReadModelWriter,
    TokenQueries,
    UserQueries,
    ProjectQueries,
    TokenPolicyQueries,
    BoundedQueries,
    ReadModelInspection,
    ReadModelLogBinding {
  /** Throws when the read model cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const READ_MODEL = Symbol('ReadModel');
