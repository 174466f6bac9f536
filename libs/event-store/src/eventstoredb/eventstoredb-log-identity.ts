import { randomUUID } from 'node:crypto';
import { BACKWARDS, END } from '@eventstore/db-client';
import type { AllStreamResolvedEvent, EventStoreDBClient } from '@eventstore/db-client';
import { EventStore, Position, WrongExpectedRevisionError } from '../event-store.port';
import { toPortError } from './eventstoredb-errors';
import { MAX_READ_BATCH, collectWithin } from './eventstoredb-reads';
import { LogPosition, compareLogPositions, encodePosition, isProductEvent } from './positions';

/**
 * The stream holding the log's id: one event, written once with expectedRevision no_stream. A
 * `$` stream, so readAll and subscribeToAll leave it out like the server's own system streams.
 */
export const LOG_IDENTITY_STREAM = '$pat-log-identity';
const LOG_IDENTITY_EVENT = 'PatLogIdentified';
/** How far back logIdentity looks for the newest product event before settling for any event. */
const HEAD_SCAN_LIMIT = 100_000;

export async function readLogId(
  store: Pick<EventStore, 'readStream'>,
  location: string,
): Promise<string | null> {
  const [first] = await store.readStream(LOG_IDENTITY_STREAM);
  const logId = (first?.data as { logId?: unknown } | undefined)?.logId;
  if (first && typeof logId !== 'string') {
    throw new Error(`${LOG_IDENTITY_STREAM} on ${location} holds no log id`);
  }
  return first ? (logId as string) : null;
}

/**
 * The id is created by the first caller on a log without one (a new server, or one written
 * before identities existed); concurrent first callers race on no_stream and all read back
 * the winner's id.
 */
export async function createLogId(
  store: Pick<EventStore, 'readStream' | 'appendToStream'>,
  location: string,
): Promise<string> {
  const logId = randomUUID();
  try {
    await store.appendToStream(
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
    const winner = await readLogId(store, location);
    if (winner === null) throw error;
    return winner;
  }
}

/**
 * The newest product event of $all, read backwards. If none is among the newest
 * HEAD_SCAN_LIMIT events (a log of nothing but system events that long), the newest event of
 * all stands in: never null while something is there, so a read model is not refused for it.
 */
export async function findHead(
  client: EventStoreDBClient,
  prefixes: readonly string[],
  readTimeoutMs: number,
): Promise<Position | null> {
  let before: LogPosition | null = null;
  let newest: LogPosition | null = null;
  let scanned = 0;
  try {
    while (scanned < HEAD_SCAN_LIMIT) {
      const batch: AllStreamResolvedEvent[] = await collectWithin(
        client.readAll({
          direction: BACKWARDS,
          fromPosition: before ?? END,
          maxCount: MAX_READ_BATCH,
          resolveLinkTos: false,
        }),
        readTimeoutMs,
      );
      let oldest: LogPosition | null = null;
      for (const { event } of batch) {
        if (!event) continue;
        if (before && compareLogPositions(event.position, before) >= 0) continue;
        if (isProductEvent(prefixes, event.streamId, event.type)) {
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
