import type { RecordedEvent } from '@pat/event-store';
import type { ReadModelChange } from '@pat/read-model';

/** A projection: the read-model changes one event implies. Pure, so replays agree. */
export type Projector = (event: RecordedEvent) => ReadModelChange[];

export const PROJECTORS = Symbol('Projectors');
