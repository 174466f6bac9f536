import { BACKWARDS, END, FORWARDS, START, StreamNotFoundError } from '@eventstore/db-client';
import type {
  RecordedEvent as ClientRecordedEvent,
  ReadStreamOptions as ClientReadStreamOptions,
  EventStoreDBClient,
  StreamingRead,
} from '@eventstore/db-client';
import type { EventMetadata } from '@pat/shared';
import {
  EventStoreUnavailableError,
  Position,
  ReadAllOptions,
  RecordedEvent,
} from '../event-store.port';
import { normalizeError, toPortError } from './eventstoredb-errors';
import {
  LogPosition,
  compareLogPositions,
  encodePosition,
  isProductEvent,
  parsePosition,
  toRevisionNumber,
} from './positions';

/**
 * Reading from EventStoreDB: collecting a streaming read within a deadline (the client gives
 * reads none), paging $all for the product's events, and turning the client's events into the
 * port's.
 */

/** Events read per request when paging $all (filtering happens on this side, see below). */
const MIN_READ_BATCH = 64;
export const MAX_READ_BATCH = 4096;

export const noop = () => undefined;

async function collect<E>(read: StreamingRead<E>): Promise<E[]> {
  // As on subscriptions: a late re-emitted error must not crash the process.
  read.on('error', noop);
  const items: E[] = [];
  for await (const item of read) items.push(item);
  return items;
}

/** Collects a read, giving up (and cancelling it) when the server has not answered in time. */
export async function collectWithin<E>(read: StreamingRead<E>, timeoutMs: number): Promise<E[]> {
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

export function cancelRead(read: StreamingRead<unknown>): void {
  read.cancel().catch(noop);
  if (!read.destroyed) read.destroy();
}

export function toPortEvent(event: ClientRecordedEvent, commitPosition?: bigint): RecordedEvent {
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

/** One read of a stream within the deadline, as the port's events: none if the stream does not exist. */
export async function readStreamEvents(
  client: EventStoreDBClient,
  readTimeoutMs: number,
  streamName: string,
  options: ClientReadStreamOptions,
): Promise<RecordedEvent[]> {
  try {
    const resolved = await collectWithin(client.readStream(streamName, options), readTimeoutMs);
    return resolved.flatMap(({ event, commitPosition }) =>
      event ? [toPortEvent(event, commitPosition)] : [],
    );
  } catch (error) {
    if (normalizeError(error) instanceof StreamNotFoundError) return [];
    throw toPortError(error);
  }
}

/** One page of readAll: the product's events after `options.after`, read on past the others. */
export async function readProductEvents(
  client: EventStoreDBClient,
  prefixes: readonly string[],
  readTimeoutMs: number,
  options: ReadAllOptions,
): Promise<RecordedEvent[]> {
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
        client.readAll({
          fromPosition: from ?? START,
          direction: FORWARDS,
          maxCount: batchSize,
          resolveLinkTos: false,
        }),
        readTimeoutMs,
      );
      let last: LogPosition | null = null;
      for (const { event } of batch) {
        if (!event) continue;
        last = event.position;
        if (from && compareLogPositions(event.position, from) <= 0) continue;
        if (!isProductEvent(prefixes, event.streamId, event.type)) continue;
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

/** The position of one event, for the rare append answer without a position. */
export async function positionOfRevision(
  client: EventStoreDBClient,
  readTimeoutMs: number,
  streamName: string,
  revision: number,
): Promise<Position> {
  try {
    const [last] = await collectWithin(
      client.readStream(streamName, {
        fromRevision: END,
        direction: BACKWARDS,
        maxCount: 1,
      }),
      readTimeoutMs,
    );
    if (last?.event && toRevisionNumber(last.event.revision) === revision) {
      return toPortEvent(last.event, last.commitPosition).position;
    }
  } catch (error) {
    throw toPortError(error);
  }
  throw new Error(`EventStoreDB reported no position for ${streamName}@${revision}`);
}
