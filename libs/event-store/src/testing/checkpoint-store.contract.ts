import { randomUUID } from 'node:crypto';
import type { CheckpointStore } from '../checkpoint-store.port';
import type { EventStore } from '../event-store.port';
import { event, readWholeLog, uniqueStream } from './event-store-contract-fixtures';

/** The checkpoint store an event store adapter keeps beside its log (docs/adr/0003). */
export interface CheckpointStoreHarness {
  readonly store: CheckpointStore & EventStore;
  reopen(): Promise<CheckpointStore & EventStore>;
  dispose(): Promise<void>;
}

export function describeCheckpointStoreContract(
  adapterName: string,
  createHarness: () => Promise<CheckpointStoreHarness>,
): void {
  describe(`CheckpointStore contract: ${adapterName}`, () => {
    let harness: CheckpointStoreHarness;
    let store: CheckpointStore & EventStore;

    beforeEach(async () => {
      harness = await createHarness();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('has no checkpoint for a processor that never stored one', async () => {
      expect(await store.readCheckpoint(`never-${randomUUID()}`)).toBeNull();
    });

    it('keeps the last checkpoint stored per processor, across close and reopen', async () => {
      const name = `process:${randomUUID()}`;
      const other = `process:${randomUUID()}`;
      const appended = await store.appendToStream(uniqueStream(), [event('A'), event('B')], {
        expectedRevision: 'no_stream',
      });
      const [first, second] = appended.events.map((e) => e.position);
      await store.storeCheckpoint(name, first);
      await store.storeCheckpoint(other, second);
      await store.storeCheckpoint(name, second);
      expect(await store.readCheckpoint(name)).toBe(second);
      store = await harness.reopen();
      expect(await store.readCheckpoint(name)).toBe(second);
      expect(await store.readCheckpoint(other)).toBe(second);
    });

    it('adds no event to the log', async () => {
      const before = await readWholeLog(store);
      await store.storeCheckpoint(`process:${randomUUID()}`, before.at(-1)?.position ?? '0');
      expect(await readWholeLog(store)).toEqual(before);
    });
  });
}
