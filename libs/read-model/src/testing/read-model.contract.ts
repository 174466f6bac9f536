import type { ReadModel } from '../read-model.port';
import { describeBoundedQueries } from './read-model-bounded-queries.contract';
import { ReadModelSuite, asEvents } from './read-model-contract-fixtures';
import { describeLogBinding } from './read-model-log-binding.contract';
import { describeStorage } from './read-model-storage.contract';
import { describeStreamOrder } from './read-model-stream-order.contract';
import { describeTokenDocuments } from './read-model-tokens.contract';
import { describeTokenUsage } from './read-model-token-usage.contract';
import { describeUsersAndProjects } from './read-model-users-projects.contract';

/**
 * The behaviour every ReadModel adapter must show. `reopen` closes the read model and opens a
 * new one on the same storage; each harness starts from an empty read model.
 */
export interface ReadModelHarness {
  readonly readModel: ReadModel;
  reopen(): Promise<ReadModel>;
  dispose(): Promise<void>;
}

export function describeReadModelContract(
  adapterName: string,
  createHarness: () => Promise<ReadModelHarness>,
): void {
  describe(`ReadModel contract: ${adapterName}`, () => {
    let harness: ReadModelHarness;
    let readModel: ReadModel;

    beforeEach(async () => {
      harness = await createHarness();
      readModel = harness.readModel;
    });
    afterEach(async () => {
      await harness.dispose();
    });
    const suite: ReadModelSuite = {
      readModel: () => readModel,
      reopen: async () => (readModel = await harness.reopen()),
      apply: (changes, checkpoint) => readModel.applyEvents(asEvents(changes), checkpoint),
    };

    describeTokenDocuments(suite);
    describeTokenUsage(suite);
    describeUsersAndProjects(suite);
    describeStorage(suite);
    describeStreamOrder(suite);
    describeLogBinding(suite);
    describeBoundedQueries(suite);
  });
}
