import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectionRunner } from '@pat/application';
import { ALL_PROJECTORS } from '@pat/backends';
import { EventLogDamagedError, SqliteEventStore } from '@pat/event-store';
import { SqliteReadModel } from '@pat/read-model';
import { seedEventLog } from '../support/seed-events';

/**
 * A damaged page that the check at open does not read (a log above the full-check size gets the
 * cheap check: header, schema, both ends) is met by the projection's first catch-up. That must
 * end ProjectionRunner.start() with the damage, not retry it forever (the start-up that hung with
 * no output, issue 13).
 */
describe('Projection start on an event log with a damaged page in the middle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pat-damaged-'));
  const filename = join(dir, 'events.sqlite');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rejects start() with EventLogDamagedError instead of retrying forever', async () => {
    await seedEventLog(filename, 3000);
    // A page of the events table itself (found by a token hash, which only the event's data
    // holds), halfway through the log.
    const seeded = new SqliteEventStore({ filename });
    const middle = (await seeded.readAll({ after: '1500', maxCount: 50 })).find(
      (event) => event.type === 'TokenCreated',
    );
    await seeded.close();
    const hash = (middle!.data as { tokenHash: string }).tokenHash;
    const offset = readFileSync(filename).indexOf(hash);
    expect(offset).toBeGreaterThan(0);
    const pageSize = 4096;
    const fd = openSync(filename, 'r+');
    writeSync(
      fd,
      Buffer.alloc(pageSize, 0xa5),
      0,
      pageSize,
      Math.floor(offset / pageSize) * pageSize,
    );
    closeSync(fd);

    const eventStore = new SqliteEventStore({ filename, fullCheckMaxBytes: 0 });
    const readModel = new SqliteReadModel({ filename: ':memory:' });
    const runner = new ProjectionRunner(eventStore, readModel, ALL_PROJECTORS);
    try {
      const started = runner.start();
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        started.then(
          () => 'started',
          (error: unknown) => error,
        ),
        new Promise((resolve) => {
          timer = setTimeout(() => resolve('still waiting after 10 s'), 10_000);
        }),
      ]);
      clearTimeout(timer);
      expect(outcome).toBeInstanceOf(EventLogDamagedError);
      expect((outcome as Error).message).toMatch(/^The event log .*is damaged/);
      expect((outcome as Error).message).toContain(filename);
      expect(runner.status().running).toBe(false);
    } finally {
      await runner.stop();
      await eventStore.close();
      await readModel.close();
    }
  });

  it('refuses the same file at open when it is within the full-check size', () => {
    let refusal: unknown;
    try {
      new SqliteEventStore({ filename });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(EventLogDamagedError);
  });
});
