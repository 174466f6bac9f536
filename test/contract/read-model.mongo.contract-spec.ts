import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { MongoReadModel } from '@pat/read-model/mongo/mongo-read-model';
import { describeReadModelContract } from '@pat/read-model/testing/read-model.contract';

// Blank counts as unset, as in the service's configuration.
const uri = process.env.MONGODB_URI?.trim() || undefined;

if (uri) {
  describeReadModelContract('mongodb (mongoose)', async () => {
    // A database of its own per harness, so runs and parallel workers never see each other.
    const dbName = `pat_contract_${randomUUID().replace(/-/g, '')}`;
    let readModel = await MongoReadModel.connect(uri, { dbName });
    return {
      readModel,
      reopen: async () => {
        await readModel.close();
        readModel = await MongoReadModel.connect(uri, { dbName });
        return readModel;
      },
      dispose: async () => {
        await readModel.close();
        const connection = await mongoose
          .createConnection(uri, { dbName, serverSelectionTimeoutMS: 2000 })
          .asPromise();
        try {
          await connection.dropDatabase();
        } finally {
          await connection.close();
        }
      },
    };
  });
} else {
  describe('ReadModel contract: mongodb (mongoose)', () => {
    it('is skipped without MONGODB_URI', () => {
      console.log(
        'MongoDB read-model contract suite skipped: MONGODB_URI is not set. .ci/run starts FerretDB and sets it.',
      );
      expect(uri).toBeUndefined();
    });
  });
}
