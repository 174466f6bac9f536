import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectionRunner } from '@pat/application';
import { EVENT_STORE, EventStore } from '@pat/event-store';
import { ManualClock } from '@pat/shared';
import { TokenUsageRecorder } from '@pat/tokens/usage/token-usage-recorder';
import {
  API,
  TestApp,
  bearer,
  createToken,
  dropReadModel,
  signIn,
  startTestApp,
} from '../support/test-app';

/** The stores live in DATA_DIR: a restart keeps everything; a lost read model is rebuilt. */
describe('Restart on the same data folder', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pat-restart-'));
  const clock = new ManualClock(new Date('2026-05-01T08:00:00.000Z'));
  const logs: string[] = [];
  let t: TestApp;

  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const snapshot = async (app: TestApp) => {
    const cookie = await signIn(app);
    const [tokens, policy] = await Promise.all([
      app.http().get(`${API}/me/tokens`).set('Cookie', cookie).expect(200),
      app.http().get(`${API}/admin/token-policy`).set('Cookie', cookie).expect(200),
    ]);
    return { tokens: tokens.body, policy: policy.body };
  };

  it('keeps tokens, statuses and policy; resumes from the checkpoint; rebuilds a lost read model', async () => {
    t = await startTestApp({ dataDir, clock, logs });
    const cookie = await signIn(t);
    const kept = await createToken(t, cookie, { name: 'kept', expiresInDays: 90 });
    clock.advance(1000);
    const revoked = await createToken(t, cookie, { name: 'revoked', expiresInDays: 90 });
    clock.advance(1000);
    const capped = await createToken(t, cookie, { name: 'capped', expiresInDays: 365 });
    await t.http().post(`${API}/me/tokens/${revoked.id}/revoke`).set('Cookie', cookie).expect(200);
    await t
      .http()
      .put(`${API}/admin/token-policy`)
      .set('Cookie', cookie)
      .send({ maxLifetimeDays: 180 })
      .expect(200);
    const before = await snapshot(t);
    expect(before.tokens.map((x: { status: string }) => x.status)).toEqual([
      'Active',
      'Revoked',
      'Active',
    ]);
    expect(before.tokens[0]).toMatchObject({ name: 'capped', cappedByPolicy: true });
    await t.app.get(TokenUsageRecorder).settled();
    const eventCount = (await t.app.get<EventStore>(EVENT_STORE).readAll({ maxCount: 1000 }))
      .length;
    const checkpoint = t.app.get(ProjectionRunner).status().position;
    await t.close();

    // Restart: same state, and the projection resumes where it stopped instead of replaying.
    t = await startTestApp({ dataDir, clock, logs });
    const resumed = t.app.get(ProjectionRunner).status();
    expect(resumed.position).toBe(checkpoint);
    expect(resumed.processed).toBe(0);
    expect(await snapshot(t)).toEqual(before);
    await t.http().get(`${API}/me`).set(bearer(kept.token)).expect(200);
    await t.http().get(`${API}/me`).set(bearer(revoked.token)).expect(401);
    await t.http().get(`${API}/me`).set(bearer(capped.token)).expect(200);
    await t.app.get(TokenUsageRecorder).settled();
    const finalCount = (await t.app.get<EventStore>(EVENT_STORE).readAll({ maxCount: 1000 }))
      .length;
    // The usage trail recorded these three requests: two uses and one rejection.
    expect(finalCount).toBe(eventCount + 3);
    const beforeRebuild = await snapshot(t);
    expect(beforeRebuild.tokens[0].lastUsedAt).toBe(clock.now().toISOString());
    await t.close();

    // Lose the read model: starting again replays the whole log into the same state.
    await dropReadModel(dataDir);
    t = await startTestApp({ dataDir, clock, logs });
    const rebuilt = t.app.get(ProjectionRunner).status();
    expect(rebuilt.processed).toBe(finalCount);
    expect(await snapshot(t)).toEqual(beforeRebuild);
    await t.http().get(`${API}/me`).set(bearer(kept.token)).expect(200);
    await t.http().get(`${API}/me`).set(bearer(revoked.token)).expect(401);
    // The bootstrap administrator was not created twice.
    const users = await t
      .http()
      .get(`${API}/admin/users`)
      .set('Cookie', await signIn(t))
      .expect(200);
    expect(users.body).toHaveLength(1);
  });
});
