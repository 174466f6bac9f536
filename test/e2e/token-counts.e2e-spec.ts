import { DOCUMENT_STORE, type DocumentStore } from '@pat/documents';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ADMIN,
  API,
  TestApp,
  createToken,
  createUser,
  signIn,
  startTestApp,
} from '../support/test-app';

/**
 * A read model on the document store (docs/adr/0004): per-user token counts for the admin
 * views, on a subscription and checkpoint of its own, read-your-writes on this instance, and
 * built again from the log when its storage is lost — the other read models untouched.
 */
describe('per-user token counts (a document read model)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pat-counts-'));
  let t: TestApp;

  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const counts = async (app: TestApp, cookie: string, userId: string) =>
    (
      await app
        .http()
        .get(`${API}/admin/users/${userId}/token-counts`)
        .set('Cookie', cookie)
        .expect(200)
    ).body;

  it('counts a user’s tokens, and counts a change at once on the instance that made it', async () => {
    t = await startTestApp({ dataDir });
    const admin = await signIn(t);
    const gale = await createUser(t, admin, { username: 'gale', password: 'gale-password-12' });
    expect(await counts(t, admin, gale.id)).toEqual({
      userId: gale.id,
      total: 0,
      revoked: 0,
      notRevoked: 0,
    });
    const ids: string[] = [];
    for (const name of ['one', 'two', 'three'])
      ids.push((await createToken(t, gale.cookie, { name, expiresInDays: 7 })).id);
    await t.http().post(`${API}/me/tokens/${ids[1]}/revoke`).set('Cookie', gale.cookie).expect(200);
    expect(await counts(t, admin, gale.id)).toEqual({
      userId: gale.id,
      total: 3,
      revoked: 1,
      notRevoked: 2,
    });
  });

  it('is for administrators only, and 404 for what is not a user id', async () => {
    const admin = await signIn(t);
    const hal = await createUser(t, admin, { username: 'hal', password: 'hal-password-123' });
    await t
      .http()
      .get(`${API}/admin/users/${hal.id}/token-counts`)
      .set('Cookie', hal.cookie)
      .expect(403);
    await t
      .http()
      .get(`${API}/admin/users/not-a-user/token-counts`)
      .set('Cookie', admin)
      .expect(404);
  });

  it('is built again from the log when its storage is lost', async () => {
    const admin = await signIn(t);
    const users = (await t.http().get(`${API}/admin/users`).set('Cookie', admin).expect(200))
      .body as Array<{ id: string; username: string }>;
    const gale = users.find((user) => user.username === 'gale')!;
    await t.close();
    // The embedded store is one file; on MongoDB the collections are dropped instead.
    const file = join(dataDir, 'documents.sqlite');
    if (!process.env.MONGODB_URI) {
      expect(existsSync(file)).toBe(true);
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    } else {
      const { MongoDocumentStore } = await import('@pat/documents');
      const { backendEnvironment } = await import('../support/test-app');
      const store = await MongoDocumentStore.connect(backendEnvironment(dataDir).MONGODB_URI);
      await store.reset(['token_summaries'], 'token-counts.v1');
      await store.close();
    }
    t = await startTestApp({ dataDir });
    const again = await signIn(t, ADMIN.username, ADMIN.password);
    const rebuilt = async () => (await counts(t, again, gale.id)) as { total: number };
    // Built in the background from the start of the log.
    for (let i = 0; i < 100 && (await rebuilt()).total !== 3; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await counts(t, again, gale.id)).toEqual({
      userId: gale.id,
      total: 3,
      revoked: 1,
      notRevoked: 2,
    });
  });

  it('answers 503, never 500, when its store cannot be used', async () => {
    const admin = await signIn(t);
    const users = (await t.http().get(`${API}/admin/users`).set('Cookie', admin).expect(200))
      .body as Array<{ id: string }>;
    await t.app.get<DocumentStore>(DOCUMENT_STORE).close();
    const response = await t
      .http()
      .get(`${API}/admin/users/${users[0].id}/token-counts`)
      .set('Cookie', admin);
    expect(response.status).toBe(503);
    expect(response.body.message).toBe('The read model is unavailable; try again shortly');
  });
});
