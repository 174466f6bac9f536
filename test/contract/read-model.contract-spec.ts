import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadModelUnavailableError, SqliteReadModel } from '@pat/read-model';
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

describe('Embedded read model: one process owns the file', () => {
  it('refuses a second open of the same file while the first is open, naming the problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pat-rm-lock-'));
    const filename = join(dir, 'read-model.sqlite');
    const owner = new SqliteReadModel({ filename });
    try {
      const child = spawnSync(
        process.execPath,
        [
          '-e',
          `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(filename)});
           db.pragma('busy_timeout = 200');
           try { db.prepare('SELECT COUNT(*) FROM tokens').get(); console.log('read'); }
           catch (e) { console.log(e.code); }`,
        ],
        { encoding: 'utf8', cwd: process.cwd() },
      );
      // Another process can neither read nor write it, so nothing changes behind the cache.
      expect(child.stdout.trim()).toMatch(/^SQLITE_BUSY/);
      let refusal: unknown;
      try {
        await new SqliteReadModel({ filename }).close();
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(ReadModelUnavailableError);
      expect((refusal as Error).message).toMatch(/is open in another process/);
      expect(await owner.countUsers()).toBe(0);
    } finally {
      await owner.close();
    }
    const next = new SqliteReadModel({ filename });
    expect(await next.countUsers()).toBe(0);
    await next.close();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);
});
