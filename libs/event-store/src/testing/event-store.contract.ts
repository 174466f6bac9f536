import type { EventStore } from '../event-store.port';
import { describeAppends } from './event-store-appends.contract';
import type { EventStoreSuite, SeparateLog } from './event-store-contract-fixtures';
import { describeLogIdentity } from './event-store-log-identity.contract';
import { describeReads } from './event-store-reads.contract';
import { describeSubscriptions } from './event-store-subscriptions.contract';
import { describeWriteProbe } from './event-store-write-probe.contract';

export * from './checkpoint-store.contract';
export type { SeparateLog } from './event-store-contract-fixtures';

/**
 * The behaviour every EventStore adapter must show. An adapter's spec calls this with a factory;
 * `reopen` closes the store and opens a new one on the same storage (for durability).
 */
export interface EventStoreHarness {
  readonly store: EventStore;
  reopen(): Promise<EventStore>;
  dispose(): Promise<void>;
}

export interface EventStoreContractOptions {
  readonly createSeparateLog?: () => Promise<SeparateLog>;
}

export function describeEventStoreContract(
  adapterName: string,
  createHarness: () => Promise<EventStoreHarness>,
  options: EventStoreContractOptions = {},
): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let harness: EventStoreHarness;
    let store: EventStore;

    beforeEach(async () => {
      harness = await createHarness();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.dispose();
    });
    const suite: EventStoreSuite = {
      store: () => store,
      reopen: async () => (store = await harness.reopen()),
    };

    describeReads(suite);
    describeAppends(suite);
    describeSubscriptions(suite);
    describeLogIdentity(suite, options.createSeparateLog);
    describeWriteProbe(suite);
  });
}
