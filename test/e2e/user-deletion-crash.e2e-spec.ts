import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, EventStore } from '@pat/event-store';
import { ManualClock } from '@pat/shared';
import {
  API,
  TestApp,
  bearer,
  createToken,
  createUser,
  signIn,
  startTestApp,
} from '../support/test-app';

/**
 * A crash between `UserDeleted` and the per-token revocations: the first run has its process
 * managers off (as if it died right after the delete returned). Its tokens are refused anyway;
 * after a restart the process manager resumes from its checkpoint and revokes every one.
 */
describe('User deletion survives a crash half-way', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pat-crash-'));
  const clock = new ManualClock(new Date('2026-06-01T00:00:00.000Z'));
  let t: TestApp;

  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const revocationsOf = async (app: TestApp, ids: string[]) =>
    Promise.all(
      ids.map(async (id) =>
        (await app.app.get<EventStore>(EVENT_STORE).readStream(`token-${id}`))
          .filter((e) => e.type === 'TokenRevoked')
          .map((e) => (e.data as { reason: string }).reason),
      ),
    );

  it('revokes every token of the deleted user after restart', async () => {
    t = await startTestApp({ dataDir, clock, processManagers: false });
    const admin = await signIn(t);
    const henry = await createUser(t, admin, { username: 'henry', password: 'long-enough-1' });
    const tokens = [];
    for (let i = 0; i < 5; i++) tokens.push(await createToken(t, henry.cookie));
    await t.http().delete(`${API}/admin/users/${henry.id}`).set('Cookie', admin).expect(204);
    for (const { token } of tokens) {
      await t.http().get(`${API}/me`).set(bearer(token)).expect(401);
    }
    const ids = tokens.map((x) => x.id);
    // "Crash": nothing reacted to the deletion.
    expect(await revocationsOf(t, ids)).toEqual(ids.map(() => []));
    await t.close();

    t = await startTestApp({ dataDir, clock });
    const deadline = Date.now() + 10_000;
    let reasons = await revocationsOf(t, ids);
    while (reasons.some((r) => r.length === 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      reasons = await revocationsOf(t, ids);
    }
    expect(reasons).toEqual(ids.map(() => ['user_deleted']));
    for (const { token } of tokens) {
      await t.http().get(`${API}/me`).set(bearer(token)).expect(401);
    }
    await t.close();

    // A second restart does not revoke anything twice.
    t = await startTestApp({ dataDir, clock });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await revocationsOf(t, ids)).toEqual(ids.map(() => ['user_deleted']));
  });
});
