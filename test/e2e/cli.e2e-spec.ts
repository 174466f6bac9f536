import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ALL_PROJECTORS } from '@pat/backends';
import { compareReadModels, replayLog } from '@pat/application';
import { EVENT_STORE, SqliteEventStore } from '@pat/event-store';
import { SqliteReadModel } from '@pat/read-model';
import Database from 'better-sqlite3';
import {
  API,
  backendEnvironment,
  createToken,
  filesUnder,
  signIn,
  startTestApp,
} from '../support/test-app';
import { importEventLog, seedEventLog } from '../support/seed-events';
import { CLI, assertCliBuilt, cli } from '../support/cli';

/** Changes one stored document behind the projection's back. */
async function tamper(dataDir: string, tokenId: string): Promise<void> {
  const mongo = backendEnvironment(dataDir).MONGODB_URI;
  if (mongo) {
    const { default: mongoose } = await import('mongoose');
    const connection = await mongoose.createConnection(mongo).asPromise();
    try {
      await connection.collection('tokens').updateOne(
        { _id: tokenId as never },
        {
          $set: { name: 'tampered' },
        },
      );
    } finally {
      await connection.close();
    }
    return;
  }
  const db = new Database(join(dataDir, 'read-model.sqlite'));
  try {
    db.prepare(`UPDATE tokens SET doc = json_set(doc, '$.name', 'tampered') WHERE id = ?`).run(
      tokenId,
    );
  } finally {
    db.close();
  }
}

describe('Operator CLI', () => {
  beforeAll(() => {
    assertCliBuilt();
  });

  // FerretDB applies documents far slower than SQLite; the mongo run uses a smaller log.
  const EVENTS = process.env.MONGODB_URI ? 1_000 : 100_000;

  it(`rebuilds ${EVENTS} events with progress and throughput, then verifies, then catches a tampered document`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pat-cli-'));
    try {
      await seedEventLog(join(dataDir, 'events.sqlite'), EVENTS);
      const rebuilt = cli(dataDir, 'rebuild-read-model');
      // Not a terminal: plain progress lines, no bar (see cli-commands.e2e-spec.ts).
      expect(rebuilt.stderr).toContain(`Replaying ${EVENTS} events`);
      expect(rebuilt.stdout).toMatch(
        new RegExp(
          `Rebuilt the read model from ${EVENTS} events in [\\d.]+ s \\(\\d+ events/s\\); final position \\d+`,
        ),
      );
      expect(rebuilt.code).toBe(0);

      const verified = cli(dataDir, 'verify-read-model');
      expect(verified.stdout).toContain(`OK: the read model matches a replay of ${EVENTS} events`);
      expect(verified.code).toBe(0);

      const store = new SqliteEventStore({ filename: join(dataDir, 'events.sqlite') });
      const [first] = (await store.readAll({ maxCount: 10 })).filter(
        (e) => e.type === 'TokenCreated',
      );
      await store.close();
      const tokenId = (first.data as { tokenId: string }).tokenId;
      await tamper(dataDir, tokenId);

      const caught = cli(dataDir, 'verify-read-model');
      expect(caught.code).toBe(1);
      expect(caught.stdout).toContain(`DIFF tokens/${tokenId}: fields name`);
      expect(caught.stdout).toContain('"name":"tampered"');
      expect(caught.stdout).toContain('1 difference(s)');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);

  it('exports NDJSON that, imported into an empty store, rebuilds the same read model; no plaintext anywhere', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pat-cli-'));
    const t = await startTestApp({ dataDir });
    const plaintexts: string[] = [];
    try {
      const admin = await signIn(t);
      for (let i = 0; i < 5; i++) {
        const created = await createToken(t, admin, { name: `t${i}`, expiresInDays: 30 });
        plaintexts.push(created.token);
        await t.http().get(`${API}/me`).set('Authorization', `Bearer ${created.token}`);
        if (i % 2 === 0) {
          await t.http().post(`${API}/me/tokens/${created.id}/revoke`).set('Cookie', admin);
        }
      }
      await t
        .http()
        .put(`${API}/admin/token-policy`)
        .set('Cookie', admin)
        .send({ maxLifetimeDays: 90 })
        .expect(200);
    } finally {
      await t.close();
    }
    const exportFile = join(dataDir, 'export.ndjson');
    const outputs = [
      cli(dataDir, 'export-events', '--out', exportFile),
      cli(dataDir, 'export-events', '--type', 'TokenRevoked'),
      cli(dataDir, 'token-status', '--at', '2030-01-01T00:00:00Z'),
      cli(dataDir, 'token-status', '--at', '2026-03-01T12:00:00Z', '--json'),
      cli(dataDir, 'verify-read-model'),
    ];
    for (const output of outputs) expect(output.code).toBe(0);
    expect(outputs[1].stdout.trim().split('\n')).toHaveLength(3);
    expect(JSON.parse(outputs[3].stdout).tokens).toHaveLength(2);

    const exported = readFileSync(exportFile, 'utf8');
    const importDir = mkdtempSync(join(tmpdir(), 'pat-import-'));
    try {
      expect(await importEventLog(join(importDir, 'events.sqlite'), exported)).toBe(
        exported.trim().split('\n').length,
      );
      const replay = async (filename: string) => {
        const store = new SqliteEventStore({ filename });
        const model = new SqliteReadModel({ filename: ':memory:' });
        await replayLog(store, model, ALL_PROJECTORS);
        await store.close();
        return model;
      };
      const original = await replay(join(dataDir, 'events.sqlite'));
      const imported = await replay(join(importDir, 'events.sqlite'));
      expect(await compareReadModels(original, imported)).toEqual([]);
      expect((await imported.allDocuments('tokens')).length).toBe(5);
      await Promise.all([original.close(), imported.close()]);

      const everything = [
        exported,
        ...outputs.flatMap((o) => [o.stdout, o.stderr]),
        ...filesUnder(dataDir).map((f) => f.content.toString('latin1')),
      ];
      for (const token of plaintexts) {
        for (const text of everything) expect(text.includes(token)).toBe(false);
      }
    } finally {
      rmSync(importDir, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    }
    expect(basename(exportFile)).toBe('export.ndjson');
  });

  it('creates a user that can sign in, and refuses bad input with one clear line', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pat-cli-'));
    try {
      const created = spawnSync(
        process.execPath,
        [CLI, 'create-user', '--username', 'operator', '--admin'],
        {
          env: {
            PATH: process.env.PATH ?? '',
            DATA_DIR: dataDir,
            PAT_PASSWORD: 'operator-password',
            ...backendEnvironment(dataDir),
          },
          encoding: 'utf8',
        },
      );
      expect(created.stdout).toMatch(/Created user operator \(/);
      const duplicate = cli(
        dataDir,
        'create-user',
        '--username',
        'OPERATOR',
        '--password',
        'x'.repeat(9),
      );
      expect(duplicate.code).toBe(1);
      expect(duplicate.stderr.trim()).toBe('That username is already taken');
      const badAt = cli(dataDir, 'token-status', '--at', 'yesterday');
      expect(badAt.code).toBe(1);
      expect(badAt.stderr.trim()).toBe('--at must be an ISO 8601 instant');

      const t = await startTestApp({ dataDir, env: { BOOTSTRAP_ADMIN_USERNAME: 'unused' } });
      try {
        await signIn(t, 'operator', 'operator-password');
      } finally {
        await t.dispose();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('answers from the event log while the API runs; a read-model command names the lock', async () => {
    const t = await startTestApp();
    try {
      const status = cli(t.dataDir, 'token-status', '--at', '2026-03-01T12:00:00Z', '--json');
      expect(status.stderr).toBe('');
      expect(status.code).toBe(0);
      const created = cli(
        t.dataDir,
        'create-user',
        '--username',
        'while-running',
        '--password',
        'while-running-password',
      );
      if (backendEnvironment(t.dataDir).MONGODB_URI) {
        expect(created.code).toBe(0);
      } else {
        // The embedded read model belongs to the running API: refused, and nothing written.
        expect(created.code).toBe(1);
        expect(created.stderr).toMatch(/is open in another process/);
        const events = await t.app
          .get<SqliteEventStore>(EVENT_STORE)
          .readAll({ maxCount: 100_000 });
        expect(events.some((e) => JSON.stringify(e.data).includes('while-running'))).toBe(false);
      }
    } finally {
      await t.dispose();
    }
  }, 60_000);
});
