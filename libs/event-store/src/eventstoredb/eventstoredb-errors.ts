import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
  convertToCommandError,
} from '@eventstore/db-client';
import {
  EventStoreUnavailableError,
  ExpectedRevision,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { toPortRevision } from './positions';

/**
 * How the EventStoreDB adapter tells its errors apart: transient ones (the server could not be
 * reached or did not answer: retried, 503 to callers) from refusals, and how client errors
 * become the port's.
 */

/** The server or the client ended the subscription without an error; treated as a drop. */
export class SubscriptionEnded extends Error {
  constructor() {
    super('The subscription ended');
  }
}

/**
 * The client's error class for an error. Some paths (the server-features probe before an append)
 * throw the raw gRPC error, e.g. a plain Error with code 14, instead of UnavailableError.
 */
export function normalizeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  try {
    return convertToCommandError(error);
  } catch {
    return error;
  }
}

/** Errors that mean the server could not be reached or answered: worth a retry, 503 to callers. */
export function isTransient(error: unknown): boolean {
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

export function toPortError(
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
