import type { Test } from 'supertest';
import {
  ADMIN,
  API,
  TestApp,
  bearer,
  createToken,
  dropReadModel,
  signIn,
  startTestApp,
} from '../support/test-app';
import { startPrintingOneTimePassword } from '../support/printed-password';

/**
 * Issue 15: without BOOTSTRAP_ADMIN_PASSWORD the first administrator's password is printed once
 * as a one-time password. Signing in with it opens nothing but setting a new one: every other
 * route answers 403 `password_change_required` until PUT /me/password.
 */

const PASSWORD_CHANGE_REQUIRED = {
  statusCode: 403,
  error: 'password_change_required',
  message: 'Set a new password first (PUT /api/v1/me/password)',
};
/** What a user with a one-time password may still call (public routes aside). */
const ALLOWED = new Set([
  'get /api/v1/me',
  'put /api/v1/me/password',
  'delete /api/v1/session',
  'post /api/v1/session/confirm',
]);
const ANY_ID = '00000000-0000-4000-8000-000000000000';

/** Every operation of the OpenAPI document, with a placeholder id in each path parameter. */
async function everyOperation(t: TestApp): Promise<{ method: string; path: string }[]> {
  const doc = (await t.http().get('/api/docs-json').expect(200)).body as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map((method) => ({ method, path: path.replace(/\{[^}]+\}/g, ANY_ID) })),
  );
}

const send = (t: TestApp, method: string, path: string): Test =>
  (t.http() as unknown as Record<string, (url: string) => Test>)[method](path);

describe('First run: the printed one-time password must be changed at first sign-in', () => {
  let t: TestApp;
  let oneTime: string;

  beforeAll(async () => {
    const started = await startPrintingOneTimePassword();
    t = started.t;
    if (!started.oneTimePassword) throw new Error(`nothing printed: ${started.printed}`);
    oneTime = started.oneTimePassword;
    expect(started.printed).toContain('must be changed at the first sign-in');
  });
  afterAll(() => t.dispose());

  it('signs in, and GET /me says a new password is required', async () => {
    const cookie = await signIn(t, ADMIN.username, oneTime);
    const me = await t.http().get(`${API}/me`).set('Cookie', cookie).expect(200);
    expect(me.body).toMatchObject({ username: ADMIN.username, passwordChangeRequired: true });
  });

  it('answers 403 password_change_required on every other protected route', async () => {
    const cookie = await signIn(t, ADMIN.username, oneTime);
    const operations = await everyOperation(t);
    expect(operations.length).toBeGreaterThan(30);
    let protectedRoutes = 0;
    for (const { method, path } of operations) {
      if (ALLOWED.has(`${method} ${path}`) || !path.startsWith(API)) continue;
      // Public routes (sign-in, the policy a client reads) answer without a session anyway.
      const anonymous = await send(t, method, path).send({});
      if (anonymous.status !== 401) continue;
      protectedRoutes++;
      const answer = await send(t, method, path).set('Cookie', cookie).send({});
      expect({ route: `${method} ${path}`, status: answer.status, body: answer.body }).toEqual({
        route: `${method} ${path}`,
        status: 403,
        body: PASSWORD_CHANGE_REQUIRED,
      });
    }
    expect(protectedRoutes).toBeGreaterThan(25);
  });

  it('still allows confirming the password and signing out', async () => {
    const cookie = await signIn(t, ADMIN.username, oneTime);
    await t
      .http()
      .post(`${API}/session/confirm`)
      .set('Cookie', cookie)
      .send({ password: oneTime })
      .expect(200);
    await t.http().delete(`${API}/session`).set('Cookie', cookie).expect(204);
    await t.http().get(`${API}/me`).set('Cookie', cookie).expect(401);
  });

  it('keeps the requirement when the read model is rebuilt from the log', async () => {
    await t.close();
    await dropReadModel(t.dataDir);
    t = await startTestApp({
      dataDir: t.dataDir,
      clock: t.clock,
      env: { BOOTSTRAP_ADMIN_PASSWORD: '' },
    });
    const cookie = await signIn(t, ADMIN.username, oneTime);
    const answer = await t.http().get(`${API}/me/tokens`).set('Cookie', cookie).expect(403);
    expect(answer.body).toEqual(PASSWORD_CHANGE_REQUIRED);
  });

  it('refuses the one-time password as the new one, then PUT /me/password clears the requirement', async () => {
    const cookie = await signIn(t, ADMIN.username, oneTime);
    const same = await t
      .http()
      .put(`${API}/me/password`)
      .set('Cookie', cookie)
      .send({ currentPassword: oneTime, newPassword: oneTime })
      .expect(400);
    expect(JSON.stringify(same.body)).toContain(
      'newPassword must differ from the one-time password',
    );
    await t
      .http()
      .put(`${API}/me/password`)
      .set('Cookie', cookie)
      .send({ currentPassword: 'not-the-password', newPassword: 'my-own-password-1' })
      .expect(403);

    await t
      .http()
      .put(`${API}/me/password`)
      .set('Cookie', cookie)
      .send({ currentPassword: oneTime, newPassword: 'my-own-password-1' })
      .expect(204);
    // The session that made the change goes on; everything works now.
    const me = await t.http().get(`${API}/me`).set('Cookie', cookie).expect(200);
    expect(me.body.passwordChangeRequired).toBe(false);
    await t.http().get(`${API}/me/tokens`).set('Cookie', cookie).expect(200);
    await t.http().get(`${API}/admin/users`).set('Cookie', cookie).expect(200);
    const token = await createToken(t, cookie);
    await t.http().get(`${API}/me`).set(bearer(token.token)).expect(200);

    // The one-time password is gone; the new one signs in.
    await t
      .http()
      .post(`${API}/session`)
      .send({ username: ADMIN.username, password: oneTime })
      .expect(401);
    await signIn(t, ADMIN.username, 'my-own-password-1');

    // The event says so: the requirement is recorded when set, and cleared by the new password.
    const events = await t
      .http()
      .get(`${API}/audit/events`)
      .query({ type: 'UserCreated,UserUpdated' })
      .set(bearer(token.token))
      .expect(200);
    const [created, updated] = events.body.events as { data: Record<string, unknown> }[];
    expect(created.data.passwordChangeRequired).toBe(true);
    expect(updated.data).not.toHaveProperty('passwordChangeRequired');
  });
});

describe('First run: a password given in BOOTSTRAP_ADMIN_PASSWORD', () => {
  it('is not one-time: nothing is printed and everything works at once', async () => {
    const { t, printed } = await startPrintingOneTimePassword({
      env: { BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password },
    });
    try {
      expect(printed).not.toContain('one-time password');
      const cookie = await signIn(t);
      const me = await t.http().get(`${API}/me`).set('Cookie', cookie).expect(200);
      expect(me.body.passwordChangeRequired).toBe(false);
      await t.http().get(`${API}/me/tokens`).set('Cookie', cookie).expect(200);
    } finally {
      await t.dispose();
    }
  });
});
