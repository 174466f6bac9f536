import { SqliteEventStore } from '@pat/event-store';
import { SqliteReadModel } from '@pat/read-model';
import { ManualClock } from '@pat/shared';
import { CommandRunner } from '../command-runner';
import { ProjectionRunner } from '../projection-runner';
import { Projector } from '../projector';

/** What a spec that runs commands works on: see {@link inMemoryRuntime}. */
export interface InMemoryRuntime {
  readonly clock: ManualClock;
  readonly eventStore: SqliteEventStore;
  readonly readModel: SqliteReadModel;
  readonly projections: ProjectionRunner;
  readonly commands: CommandRunner;
  /** Stops the projections, then closes the event log and the read model. */
  close(): Promise<void>;
}

/**
 * The real write path for a spec, all in memory: an SQLite event log, an embedded read model
 * that these projectors keep, a manual clock at 2026-01-01T00:00:00Z and a command runner over
 * them. Make one per test (in beforeEach) and close it after; no hooks are registered here, so
 * a spec can first wait for its own work to settle.
 */
export function inMemoryRuntime(projectors: Projector[]): InMemoryRuntime {
  const clock = new ManualClock(new Date('2026-01-01T00:00:00.000Z'));
  const eventStore = new SqliteEventStore({ filename: ':memory:' });
  const readModel = new SqliteReadModel({ filename: ':memory:' });
  const projections = new ProjectionRunner(eventStore, readModel, projectors);
  const commands = new CommandRunner(eventStore, clock, projections);
  return {
    clock,
    eventStore,
    readModel,
    projections,
    commands,
    async close() {
      await projections.stop();
      await eventStore.close();
      await readModel.close();
    },
  };
}
