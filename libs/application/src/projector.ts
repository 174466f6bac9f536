import type { RecordedEvent } from '@pat/event-store';
import type { ProjectedEvent, ReadModelChange } from '@pat/read-model';

/** A projection: the read-model changes one event implies. Pure, so replays agree. */
export type Projector = (event: RecordedEvent) => ReadModelChange[];

export const PROJECTORS = Symbol('Projectors');

/** Every projector's changes for one event, with the event's place in its stream. */
export function projectEvent(
  projectors: readonly Projector[],
  event: RecordedEvent,
): ProjectedEvent {
  const changes: ReadModelChange[] = [];
  for (const projector of projectors) {
    for (const change of projector(event)) changes.push(change);
  }
  return { streamName: event.streamName, revision: event.revision, changes };
}
