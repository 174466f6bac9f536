import type { EventMetadata } from '@pat/shared';
import type { Position, RecordedEvent } from '../event-store.port';

/** The instant events built here occurred at unless told otherwise. */
export const RECORDED_AT = '2026-01-01T00:00:00.000Z';

export interface RecordedEventFields<Data> {
  readonly streamName: string;
  readonly revision: number;
  readonly type: string;
  readonly data: Data;
  /** Default: the revision, as a SQLite log's sequence number (only checkpoints compare it). */
  readonly position?: Position;
  /** Merged over a system actor, no request, schema version 1, occurred at RECORDED_AT. */
  readonly metadata?: Partial<EventMetadata>;
  readonly id?: string;
}

/** An event as a store delivers it, for feeding projectors and read models in specs. */
export function recordedEvent<Data>(fields: RecordedEventFields<Data>): RecordedEvent<Data> {
  return {
    id: fields.id ?? `${fields.streamName}@${fields.revision}`,
    streamName: fields.streamName,
    revision: fields.revision,
    position: fields.position ?? String(fields.revision),
    type: fields.type,
    data: fields.data,
    metadata: {
      occurredAt: RECORDED_AT,
      actor: { userId: null, via: 'system' },
      requestId: null,
      schemaVersion: 1,
      ...fields.metadata,
    },
  };
}

/**
 * One stream's events with revisions 0, 1, 2… in the order given (positions from `firstPosition`
 * on, so that the streams of one spec can share a log order).
 */
export function recordedStream(
  streamName: string,
  events: ReadonlyArray<Omit<RecordedEventFields<unknown>, 'streamName' | 'revision'>>,
  firstPosition = 0,
): RecordedEvent[] {
  return events.map((event, revision) =>
    recordedEvent({
      position: String(firstPosition + revision),
      ...event,
      streamName,
      revision,
    }),
  );
}
