import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@pat/event-store';
import { describeEventStoreContract } from '@pat/event-store/testing/event-store.contract';

describeEventStoreContract('sqlite', async () => {
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
});
