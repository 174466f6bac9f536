import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@pat/event-store';
import {
  describeCheckpointStoreContract,
  describeEventStoreContract,
} from '@pat/event-store/testing/event-store.contract';

/** A new file in a folder of its own; every store opened on it is closed by dispose. */
async function createSeparateLog() {
  const dir = mkdtempSync(join(tmpdir(), 'pat-es-other-'));
  const opened: SqliteEventStore[] = [];
  return {
    open: () => {
      const store = new SqliteEventStore({ filename: join(dir, 'events.sqlite') });
      opened.push(store);
      return store;
    },
    dispose: async () => {
      await Promise.all(opened.map((store) => store.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function sqliteHarness() {
  const dir = mkdtempSync(join(tmpdir(), 'pat-es-'));
  const filename = join(dir, 'events.sqlite');
  let store = new SqliteEventStore({ filename, pollIntervalMs: 20 });
  return {
    store,
    reopen: async () => {
      await store.close();
      store = new SqliteEventStore({ filename, pollIntervalMs: 20 });
      return store;
    },
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeEventStoreContract('sqlite', sqliteHarness, { createSeparateLog });
describeCheckpointStoreContract('sqlite', sqliteHarness);
