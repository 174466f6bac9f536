import { randomUUID } from 'node:crypto';
import { TokenUsageRecorder } from '@pat/tokens/usage/token-usage-recorder';
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
 * A command answers with its events folded through the projection (documentFromEvents): the
 * answer is what the read model returns next, field for field (issue 16).
 */
describe('command answers equal the read that follows them', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signIn(t);
  });
  afterAll(() => t.dispose());

  const get = async (path: string, cookie = admin) =>
    (await t.http().get(`${API}${path}`).set('Cookie', cookie).expect(200)).body as unknown;

  it('create token: the answer, less the secret, is the token as read next', async () => {
    const created = await createToken(t, admin, { name: 'answers', expiresInDays: 30 });
    const { token, ...view } = created.body;
    expect(typeof token).toBe('string');
    expect(view).toMatchObject({ status: 'Active', revokedAt: null, lastUsedAt: null });
    expect(view).toEqual(await get(`/me/tokens/${created.id}`));
  });

  it('revoke token: the answer carries the usage trail and is the token as read next', async () => {
    const user = await createUser(t, admin, { username: 'answers-rt', password: 'answers-pass-1' });
    const { id, token } = await createToken(t, user.cookie);
    await t.http().get(`${API}/me`).set(bearer(token)).set('User-Agent', 'ci/answers').expect(200);
    await t.app.get(TokenUsageRecorder).settled();
    const revoked = await t
      .http()
      .post(`${API}/me/tokens/${id}/revoke`)
      .set('Cookie', user.cookie)
      .expect(200);
    expect(revoked.body).toMatchObject({ status: 'Revoked', lastUsedUserAgent: 'ci/answers' });
    expect(revoked.body).toEqual(await get(`/me/tokens/${id}`, user.cookie));
  });

  it('revoke token: a stranger is told "not found" exactly as for a token that does not exist', async () => {
    const owner = await createUser(t, admin, {
      username: 'answers-own',
      password: 'answers-pass-2',
    });
    const { id } = await createToken(t, owner.cookie);
    const stranger = await t.http().post(`${API}/me/tokens/${id}/revoke`).set('Cookie', admin);
    const missing = await t
      .http()
      .post(`${API}/me/tokens/${randomUUID()}/revoke`)
      .set('Cookie', admin);
    expect(stranger.status).toBe(404);
    expect(stranger.body).toMatchObject({ statusCode: 404, message: 'Token not found' });
    expect(stranger.body).toEqual(missing.body);
    // Still the owner's and active.
    expect(await get(`/me/tokens/${id}`, owner.cookie)).toMatchObject({ status: 'Active' });
    const byAdmin = await t
      .http()
      .post(`${API}/admin/tokens/${id}/revoke`)
      .set('Cookie', admin)
      .expect(200);
    expect(byAdmin.body).toEqual(await get(`/me/tokens/${id}`, owner.cookie));
  });

  it('create user: the answer is the user as read next', async () => {
    const created = await t
      .http()
      .post(`${API}/admin/users`)
      .set('Cookie', admin)
      .send({ username: 'answers-cu', password: 'answers-pass-3', name: 'Ann', isAuditor: true })
      .expect(201);
    expect(created.body).toMatchObject({ username: 'answers-cu', name: 'Ann', isAuditor: true });
    expect(created.body).toEqual(await get(`/admin/users/${created.body.id}`));
  });

  it('update user: the answer is the user as read next, also when nothing changed', async () => {
    const { id } = await createUser(t, admin, {
      username: 'answers-uu',
      password: 'answers-pass-4',
    });
    for (const changes of [{ name: 'Uma', email: 'uma@example.org' }, { name: 'Uma' }]) {
      const updated = await t
        .http()
        .patch(`${API}/admin/users/${id}`)
        .set('Cookie', admin)
        .send(changes)
        .expect(200);
      expect(updated.body).toMatchObject({ name: 'Uma', email: 'uma@example.org' });
      expect(updated.body).toEqual(await get(`/admin/users/${id}`));
    }
  });

  it('create project and rename project: each answer is the project as read next', async () => {
    const created = await t
      .http()
      .post(`${API}/admin/projects`)
      .set('Cookie', admin)
      .send({ name: 'Answers' })
      .expect(201);
    const id: string = created.body.id;
    expect(created.body).toMatchObject({ name: 'Answers', members: [] });
    expect(created.body).toEqual(await get(`/admin/projects/${id}`));
    for (const name of ['Answered', 'answered', 'answered']) {
      const renamed = await t
        .http()
        .patch(`${API}/admin/projects/${id}`)
        .set('Cookie', admin)
        .send({ name })
        .expect(200);
      expect(renamed.body).toMatchObject({ id, name });
      expect(renamed.body).toEqual(await get(`/admin/projects/${id}`));
    }
  });
});
