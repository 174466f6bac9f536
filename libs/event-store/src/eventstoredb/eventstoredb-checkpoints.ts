import { BACKWARDS, END } from '@eventstore/db-client';
import type { EventStoreDBClient } from '@eventstore/db-client';
import type { EventStore, Position, RecordedEvent } from '../event-store.port';
import { toPortError } from './eventstoredb-errors';
import { readStreamEvents } from './eventstoredb-reads';

const checkpointStream = (name: string) => `$pat-checkpoint-${name}`;
const CHECKPOINT_EVENT = 'PatCheckpointStored';

/**
 * A checkpoint is the one event of a `$` stream of its own (left out of readAll and
 * subscriptions like the log identity), capped at one event by `$maxCount` — the way the
 * server's own persistent subscriptions keep theirs.
 */
export async function readCheckpoint(
  client: EventStoreDBClient,
  readTimeoutMs: number,
  name: string,
): Promise<Position | null> {
  const [last] = await readLast(client, checkpointStream(name), readTimeoutMs);
  const position = (last?.data as { position?: unknown } | undefined)?.position;
  return typeof position === 'string' ? position : null;
}

export async function storeCheckpoint(
  store: Pick<EventStore, 'appendToStream'>,
  client: EventStoreDBClient,
  readTimeoutMs: number,
  name: string,
  position: Position,
): Promise<void> {
  const stream = checkpointStream(name);
  const first = (await readLast(client, stream, readTimeoutMs)).length === 0;
  await store.appendToStream(
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
      await client.setStreamMetadata(stream, { maxCount: 1 });
    } catch (error) {
      throw toPortError(error);
    }
  }
}

function readLast(
  client: EventStoreDBClient,
  streamName: string,
  readTimeoutMs: number,
): Promise<RecordedEvent[]> {
  return readStreamEvents(client, readTimeoutMs, streamName, {
    fromRevision: END,
    direction: BACKWARDS,
    maxCount: 1,
  });
}
