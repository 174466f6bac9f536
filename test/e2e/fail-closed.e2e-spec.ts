import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_STORE, EventStore } from '@pat/event-store';
import { TokenUsageRecorder } from '@pat/tokens/usage/token-usage-recorder';
import { OwnFerretDb, until } from '../support/ferretdb';
import { API, TestApp, bearer, createToken, signIn, startTestApp } from '../support/test-app';

/**
 * With a store unreachable, authenticated requests get 503 — never 200 — and commands write
 * nothing; both recover without a restart when the store returns. The embedded stores are made
 * unreachable by moving their files away (as root, a chmod would not stop this process); the
 * MongoDB read model by stopping its server.
 */
describe('Fail closed when a store is unreachable (embedded files)', () => {
  let t: TestApp;
  let admin: string;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signIn(t);
    token = (await createToken(t, admin)).token;
  });
  afterAll(async () => {
    await t.dispose();
  });

  const status = async () => (await t.http().get(`${API}/me`).set(bearer(token))).status;
  // Requests that authenticate may record a TokenUsed; anything else would be a write.
  const logLength = async (store: EventStore) => {
    await t.app.get(TokenUsageRecorder).settled();
    const events = await store.readAll({ maxCount: 100_000 });
    return events.filter((e) => e.type !== 'TokenUsed').length;
  };

  it('refuses with 503 while the event log file is gone, and recovers when it is back', async () => {
    if (process.env.EVENTSTORE_CONNECTION_STRING) return; // the log is not a file then
    const log = t.app.get<EventStore>(EVENT_STORE);
    const before = await logLength(log);
    const file = join(t.dataDir, 'events.sqlite');
    renameSync(file, `${file}.away`);
    try {
      await until(async () => (await status()) === 503);
      const refused = await t.http().get(`${API}/me`).set(bearer(token));
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      await t.http().get(`${API}/me`).set('Cookie', admin).expect(503);
      await t
        .http()
        .post(`${API}/me/tokens`)
        .set('Cookie', admin)
        .send({ name: 'while-down', expiresInDays: 7 })
        .expect(503);
      const ready = await t.http().get('/health/ready').expect(503);
      expect(ready.body.details.eventStore.status).toBe('down');
      await t.http().get('/health').expect(200);
    } finally {
      renameSync(`${file}.away`, file);
    }
    await until(async () => (await status()) === 200);
    expect(await logLength(log)).toBe(before);
    // The projection resumes after its retry back-off, so readiness may follow a moment later.
    await until(async () => (await t.http().get('/health/ready')).status === 200);
  });

  it('refuses with 503 while the read model file is gone, writes nothing, and recovers', async () => {
    if (process.env.MONGODB_URI) return; // covered below with the server stopped
    const log = t.app.get<EventStore>(EVENT_STORE);
    const before = await logLength(log);
    const file = join(t.dataDir, 'read-model.sqlite');
    renameSync(file, `${file}.away`);
    try {
      await until(async () => (await status()) === 503);
      for (const request of [
        t
          .http()
          .post(`${API}/me/tokens`)
          .set('Cookie', admin)
          .send({ name: 'x', expiresInDays: 7 }),
        t.http().put(`${API}/admin/token-policy`).set('Cookie', admin).send({ maxLifetimeDays: 9 }),
        t.http().get(`${API}/me/tokens`).set(bearer(token)),
      ]) {
        expect((await request).status).toBe(503);
      }
      const ready = await t.http().get('/health/ready').expect(503);
      expect(ready.body.details.readModel.status).toBe('down');
    } finally {
      renameSync(`${file}.away`, file);
    }
    await until(async () => (await status()) === 200);
    expect(await logLength(log)).toBe(before);
  });
});

if (!process.env.MONGODB_URI) {
  describe('Fail closed when the MongoDB read model is unreachable', () => {
    it('runs in the MongoDB pass of .ci/run (MONGODB_URI is not set here)', () => {
      console.log('MongoDB fail-closed test skipped: MONGODB_URI is not set; .ci/run sets it.');
      expect(process.env.MONGODB_URI).toBeUndefined();
    });
  });
} else {
  describe('Fail closed when the MongoDB read model is unreachable (FerretDB stopped)', () => {
    let ferret: OwnFerretDb;
    let t: TestApp;

    beforeAll(async () => {
      ferret = await OwnFerretDb.start();
      t = await startTestApp({ env: { MONGODB_URI: ferret.uri('failclosed') } });
    });
    afterAll(async () => {
      await t?.close();
      await ferret?.dispose();
    });

    it('answers 503 while the server is down and recovers on its own when it returns', async () => {
      const admin = await signIn(t);
      const { token } = await createToken(t, admin);
      const log = t.app.get<EventStore>(EVENT_STORE);
      await t.http().get(`${API}/me`).set(bearer(token)).expect(200);
      const before = (await log.readAll({ maxCount: 100_000 })).length;

      await ferret.stop();
      await until(async () => (await t.http().get(`${API}/me`).set(bearer(token))).status === 503);
      for (let i = 0; i < 5; i++) {
        expect((await t.http().get(`${API}/me`).set(bearer(token))).status).toBe(503);
      }
      const write = await t
        .http()
        .post(`${API}/me/tokens`)
        .set('Cookie', admin)
        .send({ name: 'while-down', expiresInDays: 7 });
      expect(write.status).toBe(503);
      expect((await log.readAll({ maxCount: 100_000 })).length).toBe(before);

      await ferret.resume();
      await until(
        async () => (await t.http().get(`${API}/me`).set(bearer(token))).status === 200,
        30_000,
      );
      await t.http().get('/health/ready').expect(200);
    });
  });
}
