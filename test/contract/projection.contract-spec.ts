import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  ProjectionRunner,
  READ_MODEL_PROJECTION,
  compareReadModels,
  projectEvent,
  replayLog,
} from '@pat/application';
import { ALL_PROJECTORS } from '@pat/backends';
import { RecordedEvent, SqliteEventStore } from '@pat/event-store';
import { ReadModel, SqliteReadModel } from '@pat/read-model';
import { MongoReadModel } from '@pat/read-model/mongo/mongo-read-model';
import { seedEventLog } from '../support/seed-events';

/**
 * Projections are at-least-once and idempotent (docs/design/contract.md §6): every event delivered
 * twice and out of order across documents, or a crash between applying events and storing the
 * checkpoint, ends in the read model a single in-order replay gives. Run against every read
 * model here.
 */
const backends: Array<[string, (name: string) => Promise<ReadModel>]> = [
  ['embedded (sqlite)', async () => new SqliteReadModel({ filename: ':memory:' })],
];
if (process.env.MONGODB_URI) {
  backends.push([
    'mongodb (mongoose)',
    async (name) => MongoReadModel.connect(process.env.MONGODB_URI!, { dbName: name }),
  ]);
}

describe.each(backends)('Projection idempotence: %s', (_label, open) => {
  let dir: string;
  let store: SqliteEventStore;
  const opened: ReadModel[] = [];
  const model = async () => {
    const readModel = await open(`projection_${randomUUID().replace(/-/g, '')}`);
    opened.push(readModel);
    return readModel;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pat-projection-'));
    await seedEventLog(join(dir, 'events.sqlite'), 300);
    store = new SqliteEventStore({ filename: join(dir, 'events.sqlite'), pollIntervalMs: 20 });
  });
  afterAll(async () => {
    for (const readModel of opened) {
      if (readModel instanceof MongoReadModel) await readModel.clear();
      await readModel.close();
    }
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const project = (events: RecordedEvent[]) =>
    events.map((event) => projectEvent(ALL_PROJECTORS, event));

  it('ends in the same read model when every event arrives twice and out of order across documents', async () => {
    const log = await store.readAll({ maxCount: 10_000 });
    const expected = await model();
    await replayLog(store, expected, ALL_PROJECTORS);

    // Shuffle across streams, keep each stream's own order, then deliver everything twice.
    const byStream = new Map<string, RecordedEvent[]>();
    for (const event of log)
      byStream.set(event.streamName, [...(byStream.get(event.streamName) ?? []), event]);
    const queues = [...byStream.values()].reverse();
    const shuffled: RecordedEvent[] = [];
    let turn = 0;
    while (queues.some((q) => q.length > 0)) {
      const queue = queues[turn++ % queues.length];
      if (queue.length > 0) shuffled.push(queue.shift()!);
    }
    const actual = await model();
    for (let i = 0; i < shuffled.length; i += 7) {
      await actual.applyEvents(project(shuffled.slice(i, i + 7)));
    }
    for (const event of shuffled) await actual.applyEvents(project([event]));

    expect(await compareReadModels(expected, actual)).toEqual([]);
    // Hundreds of small batches: FerretDB answers each slowly, and slower on a busy machine.
  }, 180_000);

  it('recovers from a crash between applying events and storing the checkpoint', async () => {
    const log = await store.readAll({ maxCount: 10_000 });
    const expected = await model();
    await replayLog(store, expected, ALL_PROJECTORS);

    // Before the "crash": the first half applied with its checkpoint, then 40 more events
    // applied without their checkpoint (the process died in between).
    const half = Math.floor(log.length / 2);
    const crashed = await model();
    await crashed.applyEvents(project(log.slice(0, half)), {
      projection: READ_MODEL_PROJECTION,
      position: log[half - 1].position,
    });
    await crashed.applyEvents(project(log.slice(half, half + 40)));

    // After restart: the runner resumes from the stored checkpoint and re-applies those 40.
    const runner = new ProjectionRunner(store, crashed, ALL_PROJECTORS);
    await runner.start();
    await runner.stop();
    expect(runner.status().position).toBe(log[log.length - 1].position);
    expect(await compareReadModels(expected, crashed)).toEqual([]);
  });

  it('never loses an earlier event when a later one of its stream is applied first', async () => {
    const log = await store.readAll({ maxCount: 10_000 });
    const expected = await model();
    await replayLog(store, expected, ALL_PROJECTORS);

    // The last event of every stream that has more than one, applied inline before the
    // subscription has delivered anything (a read model wiped under a running API, or one that
    // missed an inline write): each must pull its stream's earlier events from the log.
    const last = new Map<string, RecordedEvent>();
    for (const event of log) if (event.revision > 0) last.set(event.streamName, event);
    // A sample of them keeps this quick on the slower servers.
    for (const name of [...last.keys()].slice(25)) last.delete(name);
    expect(last.size).toBe(25);
    const actual = await model();
    const runner = new ProjectionRunner(store, actual, ALL_PROJECTORS);
    for (const event of last.values()) await runner.applyInline([event]);
    expect(runner.status().gapsFilled).toBe(last.size);
    await runner.start();
    await runner.stop();
    expect(await compareReadModels(expected, actual)).toEqual([]);
  });

  it('refuses to serve while changes recorded in the log are not in the read model', async () => {
    const log = await store.readAll({ maxCount: 10_000 });
    const readModel = await model();
    const runner = new ProjectionRunner(store, readModel, ALL_PROJECTORS);
    await runner.start();
    expect(runner.servingRefusal()).toBeNull();
    // As the command runner does when the read model failed right after an append.
    runner.deferInline([log[log.length - 1]]);
    expect(runner.servingRefusal()).toMatch(/not in the read model yet/);
    for (let i = 0; i < 100 && runner.servingRefusal() !== null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(runner.servingRefusal()).toBeNull();
    await runner.stop();
  });

  it('rebuilds a read model wiped under it, refusing to serve until it is back', async () => {
    const expected = await model();
    await replayLog(store, expected, ALL_PROJECTORS);
    const readModel = await model();
    const runner = new ProjectionRunner(store, readModel, ALL_PROJECTORS);
    await runner.start();
    expect(await readModel.readLogBinding()).not.toBeNull();
    await runner.checkForReset(); // nothing happened: nothing to do
    expect(runner.servingRefusal()).toBeNull();

    const epoch = runner.servingEpoch();
    await readModel.clear(); // the wipe, from outside
    await runner.checkForReset();
    // Behind from the moment it was noticed (a credential read across it is refused too).
    expect(runner.servingEpoch()).toBeGreaterThan(epoch);
    for (let i = 0; i < 300 && runner.servingRefusal() !== null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(runner.servingRefusal()).toBeNull();
    expect(await readModel.readLogBinding()).toBe((await store.logIdentity()).logId);
    await runner.stop();
    expect(await compareReadModels(expected, readModel)).toEqual([]);
  });
});
