import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareReadModels, replayLog } from '@pat/application';
import { ALL_PROJECTORS } from '@pat/backends';
import { EVENT_STORE, EventStore } from '@pat/event-store';
import { READ_MODEL, ReadModel, SqliteReadModel } from '@pat/read-model';
import { TokenUsageRecorder } from '@pat/tokens/usage/token-usage-recorder';
import { OwnFerretDb, until } from '../support/ferretdb';
import { seedEventLog } from '../support/seed-events';
import { API, TestApp, bearer, createToken, signIn, startTestApp } from '../support/test-app';

/**
 * A read model wiped under a running API with a long log (issue 13, first way): while it is
 * rebuilt, no revoked token is ever honoured, readiness is 503 until it has caught up, and at the
 * end it equals a replay of the log. The defect this guards against: a usage event of a token
 * applied inline ahead of the rebuild's batches made the batch holding the token's revocation
 * look old, so it was dropped, and the revoked token answered 200 for good.
 */
const REVOKED = 5;

/**
 * A data folder whose log holds the first administrator, then a long history: 12 000 events on
 * the embedded read model; fewer on FerretDB, whose upserts are much slower (README, limits).
 */
async function longLog(events: number, env: Record<string, string> = {}): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pat-reset-'));
  await (await startTestApp({ dataDir, env })).close();
  await seedEventLog(join(dataDir, 'events.sqlite'), events);
  return dataDir;
}

interface Observed {
  readonly revoked: number[];
  readonly active: number[];
  readonly ready: number[];
}

/** Requests with every token and readiness polls, until stopped. */
function hammer(t: TestApp, active: string, revoked: string[]) {
  const observed: Observed = { revoked: [], active: [], ready: [] };
  let running = true;
  const loop = (async () => {
    while (running) {
      // Each round may record a use of the active token (applied inline, mid-rebuild).
      t.clock.advance(2_000);
      const [activeStatus, ready, ...revokedStatuses] = await Promise.all([
        t.http().get(`${API}/me`).set(bearer(active)),
        t.http().get('/health/ready'),
        ...revoked.map((token) => t.http().get(`${API}/me`).set(bearer(token))),
      ]);
      observed.active.push(activeStatus.status);
      observed.ready.push(ready.status);
      for (const response of revokedStatuses) observed.revoked.push(response.status);
    }
  })();
  return {
    observed,
    stop: async () => {
      running = false;
      await loop;
      return observed;
    },
  };
}

const count = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((counts, status) => {
    counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  }, {});

async function setUp(t: TestApp): Promise<{ active: string; revoked: string[] }> {
  const admin = await signIn(t);
  const active = (await createToken(t, admin)).token;
  const revoked: string[] = [];
  for (let i = 0; i < REVOKED; i++) {
    const { id, token } = await createToken(t, admin, { name: `revoked-${i}`, expiresInDays: 30 });
    await t.http().get(`${API}/me`).set(bearer(token)).expect(200);
    await t.http().post(`${API}/me/tokens/${id}/revoke`).set('Cookie', admin).expect(200);
    revoked.push(token);
  }
  return { active, revoked };
}

async function expectEqualToReplay(t: TestApp): Promise<void> {
  await t.app.get(TokenUsageRecorder).settled();
  const replayed = new SqliteReadModel({ filename: ':memory:' });
  try {
    await replayLog(t.app.get<EventStore>(EVENT_STORE), replayed, ALL_PROJECTORS);
    expect(await compareReadModels(replayed, t.app.get<ReadModel>(READ_MODEL))).toEqual([]);
  } finally {
    await replayed.close();
  }
}

async function expectRevokedStayRevoked(t: TestApp, revoked: string[]): Promise<void> {
  for (const token of revoked) {
    const response = await t.http().get(`${API}/me`).set(bearer(token));
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/revoked/);
  }
}

describe('A read model wiped under a running API: embedded read model', () => {
  let dataDir: string;
  let t: TestApp | null = null;

  beforeAll(async () => {
    dataDir = await longLog(12_000);
  });
  afterAll(async () => {
    await t?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('honours no revoked token while its file is gone, and rebuilds it in full at restart', async () => {
    if (process.env.MONGODB_URI) return; // the read model is not a file then; see below
    t = await startTestApp({ dataDir, env: { TOKEN_USAGE_INTERVAL_SECONDS: '1' } });
    const { active, revoked } = await setUp(t);
    const load = hammer(t, active, revoked);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const name of readdirSync(dataDir)) {
      if (name.startsWith('read-model.sqlite')) rmSync(join(dataDir, name));
    }
    await until(async () => load.observed.active.slice(-3).every((status) => status === 503));
    const observed = await load.stop();
    expect(observed.revoked).not.toContain(200);
    expect(observed.ready).toContain(503);

    // Restarted on the same data folder: the read model is rebuilt from the log before serving.
    await t.close();
    t = await startTestApp({ dataDir, env: { TOKEN_USAGE_INTERVAL_SECONDS: '1' } });
    await t.http().get('/health/ready').expect(200);
    await t.http().get(`${API}/me`).set(bearer(active)).expect(200);
    await expectRevokedStayRevoked(t, revoked);
    await expectEqualToReplay(t);
  });
});

if (!process.env.MONGODB_URI) {
  describe('A read model wiped under a running API: MongoDB read model', () => {
    it('runs in the MongoDB pass of .ci/run (MONGODB_URI is not set here)', () => {
      console.log(
        'MongoDB read-model reset test skipped: MONGODB_URI is not set; .ci/run sets it.',
      );
      expect(process.env.MONGODB_URI).toBeUndefined();
    });
  });
} else {
  describe('A read model wiped under a running API: MongoDB read model (own FerretDB)', () => {
    let ferret: OwnFerretDb;
    let dataDir: string;
    let t: TestApp | null = null;

    beforeAll(async () => {
      ferret = await OwnFerretDb.start();
      dataDir = await longLog(2_000, { MONGODB_URI: ferret.uri('reset') });
    });
    afterAll(async () => {
      await t?.close();
      await ferret?.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    }, 120_000);

    it('honours no revoked token during or after the rebuild, and is not ready until it is done', async () => {
      t = await startTestApp({
        dataDir,
        env: { MONGODB_URI: ferret.uri('reset'), TOKEN_USAGE_INTERVAL_SECONDS: '1' },
      });
      const { active, revoked } = await setUp(t);
      const load = hammer(t, active, revoked);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const readyBefore = load.observed.ready.length;

      const wipedAt = Date.now();
      await ferret.wipe();
      // Not ready while the read model is rebuilt; ready again once it has caught up.
      await until(async () => load.observed.ready.slice(readyBefore).includes(503), 30_000);
      // FerretDB's upserts are slow (about 70 s for this log unloaded); a busy machine is slower.
      await until(async () => load.observed.ready.slice(-2).every((s) => s === 200), 360_000);
      const readyAfterMs = Date.now() - wipedAt;
      const observed = await load.stop();
      console.log(
        `read model wiped under a running API (FerretDB): ready again after ${readyAfterMs} ms; ` +
          `${observed.revoked.length} requests with revoked tokens (none may be 200), ` +
          `readiness ${JSON.stringify(count(observed.ready))}, active ${JSON.stringify(count(observed.active))}`,
      );

      expect(observed.revoked.length).toBeGreaterThan(0);
      expect(observed.revoked).not.toContain(200);
      expect(observed.active).toContain(503);
      await t.http().get(`${API}/me`).set(bearer(active)).expect(200);
      await expectRevokedStayRevoked(t, revoked);
      await expectEqualToReplay(t);
    }, 420_000);
  });
}
