import type { LogIdentity, Position } from '@pat/event-store';

/**
 * Whether a read model may be served with an event log: the pure decision behind
 * LogBindingCheck. A read model records the id of the log it was built from (its binding); a
 * service that finds another log, or a log that ends before the read model's checkpoint, must
 * not start: the read model would authenticate tokens whose revocations the log cannot show.
 */

export interface ReadModelState {
  /** The id of the log the read model was built from; null when none was recorded. */
  readonly binding: string | null;
  /** The projection's checkpoint: the last log position the read model reflects. */
  readonly checkpoint: Position | null;
  /**
   * Whether it holds documents. Checked apart from the checkpoint because a MongoDB batch is not
   * atomic: its first documents can be written before its checkpoint.
   */
  readonly hasDocuments: boolean;
  /** For messages: the read model's file path or server address. */
  readonly location: string;
}

export type LogBindingRefusal = 'another_log' | 'log_missing_or_behind';

export type LogBindingDecision =
  /** Bound to this log, and the log reaches the checkpoint. */
  | { readonly action: 'ok' }
  /** Record the binding: a new read model, or one built before bindings existed (adopted). */
  | { readonly action: 'bind'; readonly logId: string }
  | { readonly action: 'refuse'; readonly reason: LogBindingRefusal; readonly message: string };

export function decideLogBinding(
  readModel: ReadModelState,
  log: LogIdentity,
  comparePositions: (a: Position, b: Position) => number,
): LogBindingDecision {
  const built = readModel.checkpoint !== null || readModel.hasDocuments;
  const logBehind =
    built &&
    (log.head === null ||
      (readModel.checkpoint !== null && comparePositions(log.head, readModel.checkpoint) < 0));
  if (readModel.binding !== null && readModel.binding !== log.logId) {
    // An empty log under another id is either the old one deleted or emptied (a new file gets a
    // new id) or a new instance of another deployment: the message names both.
    return logBehind
      ? refuse('log_missing_or_behind', emptyOtherLogMessage(readModel, readModel.binding, log))
      : refuse('another_log', anotherLogMessage(readModel, readModel.binding, log));
  }
  if (logBehind) return refuse('log_missing_or_behind', logBehindMessage(readModel, log));
  if (readModel.binding === log.logId) return { action: 'ok' };
  return { action: 'bind', logId: log.logId };
}

export function anotherLogMessage(
  readModel: Pick<ReadModelState, 'location'>,
  boundLogId: string,
  log: LogIdentity,
): string {
  return (
    `The read model in ${readModel.location} was built from another event log (${boundLogId}), ` +
    `not ${log.location} (${log.logId}): point both at the same deployment, or delete the ` +
    'read model to rebuild it from this log'
  );
}

function emptyOtherLogMessage(
  readModel: ReadModelState,
  boundLogId: string,
  log: LogIdentity,
): string {
  return (
    `The event log ${log.location} (${log.logId}) is missing or empty, and the read model in ` +
    `${readModel.location} was built from another event log (${boundLogId}, up to position ` +
    `${readModel.checkpoint ?? 'unknown'}): if ${log.location} was lost, restore it from a ` +
    'backup, it is the record and cannot be rebuilt (do not delete the read model); if this ' +
    'instance belongs to another deployment, point it at a read model of its own'
  );
}

function logBehindMessage(readModel: ReadModelState, log: LogIdentity): string {
  const readModelAt = readModel.checkpoint ?? 'unknown';
  return (
    `The event log ${log.location} is missing, empty or shorter than the read model built from ` +
    `it (read model at position ${readModelAt}, log at ${log.head ?? 'empty'}): restore ` +
    `${log.location} from a backup, it is the record and cannot be rebuilt; do not delete the ` +
    `read model in ${readModel.location} unless no backup has the missing events (it is then ` +
    'rebuilt from this log, without them)'
  );
}

const refuse = (reason: LogBindingRefusal, message: string): LogBindingDecision => ({
  action: 'refuse',
  reason,
  message,
});
