import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteReadModel } from '@pat/read-model';
import { describeReadModelContract } from '@pat/read-model/testing/read-model.contract';

describeReadModelContract('embedded (sqlite)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pat-rm-'));
  const filename = join(dir, 'read-model.sqlite');
  let readModel = new SqliteReadModel({ filename });
  return {
    readModel,
    reopen: async () => {
      await readModel.close();
      readModel = new SqliteReadModel({ filename });
      return readModel;
    },
    dispose: async () => {
      await readModel.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
