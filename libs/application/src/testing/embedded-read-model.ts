import type { RecordedEvent } from '@pat/event-store';
import { SqliteReadModel } from '@pat/read-model';
import { Projector, projectEvent } from '../projector';

/**
 * For a describe block of projection specs: a fresh in-memory embedded read model for each test,
 * and `apply`, which writes to it what these projectors make of the events.
 */
export function embeddedReadModel(projectors: readonly Projector[]) {
  let current: SqliteReadModel | null = null;
  beforeEach(() => {
    current = new SqliteReadModel({ filename: ':memory:' });
  });
  afterEach(() => current?.close());
  const fixture = {
    get readModel(): SqliteReadModel {
      if (!current) throw new Error('embeddedReadModel is used outside a test');
      return current;
    },
    apply: (events: RecordedEvent[]) =>
      fixture.readModel.applyEvents(events.map((event) => projectEvent(projectors, event))),
  };
  return fixture;
}
