import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EventLogDamagedError,
  EventStoreUnavailableError,
  NewEvent,
  SqliteEventStore,
} from '@pat/event-store';
import { damageMarkerOf } from '@pat/event-store/sqlite/sqlite-event-store';
import { fillUntilFull, mountTmpfs, unmount } from '../support/volumes';

/**
 * The embedded log's own defence against its files changing under it: real SQLite files,
 * changed from outside the store the way an operator's mistake or a failing volume would.
 */

const metadata = {
  occurredAt: '2026-01-01T00:00:00.000Z',
  actor: { userId: null, via: 'system' as const },
  requestId: null,
  schemaVersion: 1,
};
const event = (type: string): NewEvent => ({ type, data: { type }, metadata });

let dir: string;
let filename: string;
let store: SqliteEventStore | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pat-es-faults-'));
  filename = join(dir, 'events.sqlite');
});
afterEach(async () => {
  await store?.close();
  store = null;
  rmSync(dir, { recursive: true, force: true });
});

it('refuses every write once its -wal file was truncated, and the next open refuses', async () => {
  store = new SqliteEventStore({ filename });
  const failures: unknown[] = [];
  store.onWriteFailure((error) => failures.push(error));
  await store.appendToStream('token-a', [event('A'), event('B')], {
    expectedRevision: 'no_stream',
  });
  truncateSync(`${filename}-wal`, 0);

  await expect(
    store.appendToStream('token-b', [event('C')], { expectedRevision: 'no_stream' }),
  ).rejects.toBeInstanceOf(EventLogDamagedError);
  await expect(store.probeWrite()).rejects.toBeInstanceOf(EventLogDamagedError);
  await expect(
    store.appendToStream('token-c', [event('D')], { expectedRevision: 'no_stream' }),
  ).rejects.toThrow(`restore ${filename} from a backup`);
  expect(failures.length).toBe(3);
  expect(failures.every((error) => error instanceof EventLogDamagedError)).toBe(true);

  const marker = damageMarkerOf(filename);
  expect(readFileSync(marker, 'utf8')).toContain('-wal was truncated');
  await store.close();
  store = null;
  let refusal: unknown;
  try {
    store = new SqliteEventStore({ filename });
  } catch (error) {
    refusal = error;
  }
  expect(refusal).toBeInstanceOf(EventLogDamagedError);
  const message = (refusal as Error).message;
  expect(message).not.toContain('\n');
  expect(message).toContain(filename);
  expect(message).toContain(`delete ${marker}`);
});

it('does not acknowledge a write whose -wal file was replaced while it was open', async () => {
  store = new SqliteEventStore({ filename });
  await store.appendToStream('token-a', [event('A')], { expectedRevision: 'no_stream' });
  unlinkSync(`${filename}-wal`);
  await expect(
    store.appendToStream('token-b', [event('B')], { expectedRevision: 'no_stream' }),
  ).rejects.toBeInstanceOf(EventLogDamagedError);
  expect(existsSync(damageMarkerOf(filename))).toBe(true);
});

it('goes on writing across its own checkpoints, and across another connection writing', async () => {
  store = new SqliteEventStore({ filename });
  const other = new SqliteEventStore({ filename });
  try {
    // Enough pages for several automatic checkpoints and WAL restarts.
    const big = { type: 'Big', data: { blob: 'x'.repeat(50_000) }, metadata };
    for (let i = 0; i < 150; i++) {
      const writer = i % 3 === 0 ? other : store;
      await writer.appendToStream(`token-${i}`, [big], { expectedRevision: 'no_stream' });
      await store.probeWrite();
    }
    expect(await store.readAll({ maxCount: 1000 })).toHaveLength(150);
    expect(existsSync(damageMarkerOf(filename))).toBe(false);
  } finally {
    await other.close();
  }
});

describe('on a volume that fills up', () => {
  let volume: string;
  beforeAll(() => {
    volume = mountTmpfs('2m');
  });
  afterAll(() => unmount(volume));

  it('names the file and the reason, tells the listeners, and writes again once space returns', async () => {
    const onVolume = join(volume, 'events.sqlite');
    store = new SqliteEventStore({ filename: onVolume });
    await store.appendToStream('token-a', [event('A')], { expectedRevision: 'no_stream' });
    const failures: EventStoreUnavailableError[] = [];
    store.onWriteFailure((error) => failures.push(error));
    const filler = join(volume, 'filler');
    fillUntilFull(filler);

    const failure = await store
      .appendToStream('token-b', [event('B')], { expectedRevision: 'no_stream' })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(EventStoreUnavailableError);
    expect((failure as Error).message).toBe(
      `The event log cannot be written: SQLITE_FULL (disk full?) in ${onVolume}`,
    );
    await expect(store.probeWrite()).rejects.toThrow('SQLITE_FULL');
    expect(failures).toHaveLength(2);

    unlinkSync(filler);
    await store.probeWrite();
    await store.appendToStream('token-b', [event('B')], { expectedRevision: 'no_stream' });
    expect((await store.readAll({ maxCount: 10 })).map((e) => e.type)).toEqual(['A', 'B']);
    expect(existsSync(damageMarkerOf(onVolume))).toBe(false);
  });
});
