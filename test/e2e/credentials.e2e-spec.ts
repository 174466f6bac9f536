import { createHash } from 'node:crypto';
import { SESSION_STORE, SessionRecord, SessionStore } from '@pat/auth';
import {
  ADMIN,
  API,
  TestApp,
  bearer,
  createToken,
  createUser,
  signIn,
  startTestApp,
} from '../support/test-app';

/**
 * docs/design/contract.md §10: a token can read and can reduce access, never create or widen a
 * credential; account changes need a session that proved its password within REAUTH_WINDOW_MINUTES;
 * a password change ends every other session of the user.
 */

const MINUTE = 60_000;
const REAUTH = {
  statusCode: 403,
  error: 'reauthentication_required',
  message: 'Confirm your password (POST /api/v1/session/confirm) to do this',
};
/** Usage records are written by every token request; they are not changes. */
const USAGE = new Set(['TokenUsed', 'TokenRejected']);
/** The store's key for a session cookie (`pat_session=<id>`), as the session service makes it. */
const idHashOf = (cookie: string) =>
  createHash('sha256')
    .update(decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1)))
    .digest('hex');

describe('Credentials: what a token may not do, sudo mode and password changes', () => {
  let t: TestApp;
  let admin: string;
  let adminToken: string;
  let adminTokenId: string;
  let alice: { id: string; cookie: string };
  let projectId: string;

  /** Every recorded event but usage records, as type@stream-position, read with the admin token. */
  const changes = async (): Promise<string[]> => {
    const all: string[] = [];
    let after: string | null = null;
    do {
      const page = await t
        .http()
        .get(`${API}/audit/events`)
        .query({ limit: 1000, ...(after ? { after } : {}) })
        .set(bearer(adminToken))
        .expect(200);
      for (const event of page.body.events as { type: string; position: string }[]) {
        if (!USAGE.has(event.type)) all.push(`${event.type}@${event.position}`);
      }
      after = page.body.next as string | null;
    } while (after);
    return all;
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signIn(t);
    ({ id: adminTokenId, token: adminToken } = await createToken(t, admin, {
      name: 'admin-automation',
      expiresInDays: 30,
    }));
    alice = await createUser(t, admin, { username: 'alice', password: 'alice-password-1' });
    const project = await t
      .http()
      .post(`${API}/admin/projects`)
      .set('Cookie', admin)
      .send({ name: 'Warehouse' })
      .expect(201);
    projectId = project.body.id;
    await t
      .http()
      .put(`${API}/admin/projects/${projectId}/members/${alice.id}`)
      .set('Cookie', admin)
      .send({ role: 'analyst' })
      .expect(200);
  });
  afterAll(async () => {
    await t?.dispose();
  });

  /** The account actions docs/design/contract.md §10 reserves for a recently proven session. */
  const accountActions = (userId: string) => [
    {
      what: 'changing a user’s password',
      send: () => t.http().patch(`${API}/admin/users/${userId}`).send({ password: 'taken-over-1' }),
    },
    {
      what: 'changing the administrator’s own password',
      send: () =>
        t.http().patch(`${API}/admin/users/${adminIdOf()}`).send({ password: 'taken-over-1' }),
    },
    {
      what: 'creating a user',
      send: () =>
        t
          .http()
          .post(`${API}/admin/users`)
          .send({ username: 'backdoor', password: 'backdoor-pass-1', isAdmin: true }),
    },
    {
      what: 'setting a flag',
      send: () => t.http().patch(`${API}/admin/users/${userId}`).send({ isAdmin: true }),
    },
    {
      what: 'changing a user’s email',
      send: () =>
        t.http().patch(`${API}/admin/users/${userId}`).send({ email: 'attacker@example.com' }),
    },
    {
      what: 'deleting a user',
      send: () => t.http().delete(`${API}/admin/users/${userId}`),
    },
    {
      what: 'changing the token policy',
      send: () => t.http().put(`${API}/admin/token-policy`).send({ maxLifetimeDays: 3650 }),
    },
    {
      what: 'creating a token',
      send: () => t.http().post(`${API}/me/tokens`).send({ name: 'more', expiresInDays: 30 }),
    },
  ];
  let adminId = '';
  const adminIdOf = () => adminId;
  beforeAll(async () => {
    adminId = (await t.http().get(`${API}/me`).set('Cookie', admin).expect(200)).body.userId;
  });

  describe('with only an administrator’s token', () => {
    for (const index of accountActions('').keys()) {
      it(`refuses ${accountActions('')[index].what} with 403 naming why, writing nothing`, async () => {
        const before = await changes();
        const response = await accountActions(alice.id)[index].send().set(bearer(adminToken));
        expect(response.status).toBe(403);
        expect(response.body.message).toBe(
          'A token cannot create or widen a credential: sign in to the web UI to do this',
        );
        expect(await changes()).toEqual(before);
      });
    }

    it('leaves the old password working and no backdoor user behind', async () => {
      await signIn(t, 'alice', 'alice-password-1');
      await signIn(t, ADMIN.username, ADMIN.password);
      await t
        .http()
        .post(`${API}/session`)
        .send({ username: 'backdoor', password: 'backdoor-pass-1' })
        .expect(401);
      const users = await t.http().get(`${API}/admin/users`).set(bearer(adminToken)).expect(200);
      expect((users.body as { username: string }[]).map((u) => u.username).sort()).toEqual([
        'admin',
        'alice',
      ]);
    });

    it('still reads everything it could read', async () => {
      for (const path of [
        '/me',
        '/me/tokens',
        `/me/tokens/${adminTokenId}`,
        '/token-policy',
        '/admin/token-policy',
        '/admin/users',
        `/admin/users/${alice.id}`,
        `/admin/users/${alice.id}/tokens`,
        '/admin/projects',
        `/admin/projects/${projectId}`,
        '/audit/events',
        `/audit/tokens/${adminTokenId}/history`,
      ]) {
        const response = await t.http().get(`${API}${path}`).set(bearer(adminToken));
        expect({ path, status: response.status }).toEqual({ path, status: 200 });
      }
    });

    it('cannot add a member or raise a role, but can lower one (recorded) and remove a member', async () => {
      const bob = await createUser(t, admin, { username: 'bob', password: 'bob-password-1' });
      const before = await changes();
      const adding = await t
        .http()
        .put(`${API}/admin/projects/${projectId}/members/${bob.id}`)
        .set(bearer(adminToken))
        .send({ role: 'catalog' });
      expect(adding.status).toBe(403);
      expect(adding.body.message).toMatch(/token cannot add a member/);
      expect(await changes()).toEqual(before);

      // Raising alice from analyst to admin (the project route: a project admin's token, below).
      const raising = await t
        .http()
        .put(`${API}/admin/projects/${projectId}/members/${alice.id}`)
        .set(bearer(adminToken))
        .send({ role: 'admin' });
      expect(raising.status).toBe(403);
      expect(raising.body.message).toMatch(/only lower a member’s role/);
      expect(await changes()).toEqual(before);

      // The same role again and a lower role are fine.
      await t
        .http()
        .put(`${API}/admin/projects/${projectId}/members/${alice.id}`)
        .set(bearer(adminToken))
        .send({ role: 'analyst' })
        .expect(200);
      const lowered = await t
        .http()
        .put(`${API}/admin/projects/${projectId}/members/${alice.id}`)
        .set(bearer(adminToken))
        .send({ role: 'catalog' })
        .expect(200);
      expect(lowered.body.members).toContainEqual(
        expect.objectContaining({ userId: alice.id, role: 'catalog' }),
      );
      expect((await changes()).slice(before.length)).toEqual([
        expect.stringMatching(/^MemberRoleChanged@/),
      ]);

      // A session adds bob; the token removes him.
      await t
        .http()
        .put(`${API}/admin/projects/${projectId}/members/${bob.id}`)
        .set('Cookie', admin)
        .send({ role: 'business' })
        .expect(200);
      await t
        .http()
        .delete(`${API}/admin/projects/${projectId}/members/${bob.id}`)
        .set(bearer(adminToken))
        .expect(204);
    });

    it('lets a project admin’s token lower a member but not raise one or add one', async () => {
      const carol = await createUser(t, admin, { username: 'carol', password: 'carol-password-1' });
      const dave = await createUser(t, admin, { username: 'dave', password: 'dave-password-1' });
      for (const [user, role] of [
        [carol, 'admin'],
        [dave, 'business'],
      ] as const) {
        await t
          .http()
          .put(`${API}/admin/projects/${projectId}/members/${user.id}`)
          .set('Cookie', admin)
          .send({ role })
          .expect(200);
      }
      const { token } = await createToken(t, carol.cookie, { name: 'carol-ci', expiresInDays: 7 });
      const path = `${API}/projects/${projectId}/members/${dave.id}`;
      const before = await changes();
      const raise = await t.http().put(path).set(bearer(token)).send({ role: 'data_quality' });
      expect(raise.status).toBe(403);
      expect(raise.body.message).toMatch(/only lower/);
      const add = await t
        .http()
        .put(`${API}/projects/${projectId}/members/${adminId}`)
        .set(bearer(token))
        .send({ role: 'catalog' });
      expect(add.status).toBe(403);
      expect(add.body.message).toMatch(/cannot add a member/);
      expect(await changes()).toEqual(before);
      await t.http().put(path).set(bearer(token)).send({ role: 'catalog' }).expect(200);
      await t.http().delete(path).set(bearer(token)).expect(204);
      // With her session, carol may raise and add.
      await t
        .http()
        .put(path)
        .set('Cookie', carol.cookie)
        .send({ role: 'data_quality' })
        .expect(200);
    });

    it('still revokes tokens, its own and another user’s', async () => {
      const { id: aliceTokenId } = await createToken(t, alice.cookie, {
        name: 'alice-laptop',
        expiresInDays: 7,
      });
      await t
        .http()
        .post(`${API}/admin/tokens/${aliceTokenId}/revoke`)
        .set(bearer(adminToken))
        .expect(200);
      const { id: spareId, token: spare } = await createToken(t, admin, {
        name: 'spare',
        expiresInDays: 7,
      });
      await t.http().post(`${API}/me/tokens/${spareId}/revoke`).set(bearer(spare)).expect(200);
      await t.http().get(`${API}/me`).set(bearer(spare)).expect(401);
    });
  });

  describe('with a session older than the re-authentication window', () => {
    let stale: string;
    beforeAll(async () => {
      stale = await signIn(t);
      t.clock.advance(t.config.reauthWindowMs + MINUTE);
    });

    for (const index of accountActions('').keys()) {
      it(`asks to confirm the password before ${accountActions('')[index].what}`, async () => {
        const before = await changes();
        const response = await accountActions(alice.id)[index].send().set('Cookie', stale);
        expect(response.status).toBe(403);
        expect(response.body).toEqual(REAUTH);
        expect(await changes()).toEqual(before);
      });
    }

    it('keeps reads and reducing access open', async () => {
      await t.http().get(`${API}/admin/users`).set('Cookie', stale).expect(200);
      const aliceNow = await signIn(t, 'alice', 'alice-password-1');
      const { id } = await createToken(t, aliceNow, { name: 'alice-old', expiresInDays: 7 });
      await t.http().post(`${API}/admin/tokens/${id}/revoke`).set('Cookie', stale).expect(200);
    });

    it('refuses a wrong password with 403, counts nothing as proven and keeps the session', async () => {
      const wrong = await t
        .http()
        .post(`${API}/session/confirm`)
        .set('Cookie', stale)
        .send({ password: 'not-the-password' });
      expect(wrong.status).toBe(403);
      expect(wrong.body).toMatchObject({
        error: 'Forbidden',
        message: 'The password is not correct',
      });
      await t.http().get(`${API}/me`).set('Cookie', stale).expect(200);
      const still = await t
        .http()
        .put(`${API}/admin/token-policy`)
        .set('Cookie', stale)
        .send({ maxLifetimeDays: 200 });
      expect(still.body).toEqual(REAUTH);
    });

    it('refuses confirming with a token', async () => {
      await t
        .http()
        .post(`${API}/session/confirm`)
        .set(bearer(adminToken))
        .send({ password: ADMIN.password })
        .expect(403);
    });

    it('after POST /session/confirm does each of them, until the window passes again', async () => {
      const confirmed = await t
        .http()
        .post(`${API}/session/confirm`)
        .set('Cookie', stale)
        .send({ password: ADMIN.password })
        .expect(200);
      expect(Date.parse(confirmed.body.confirmedUntil)).toBe(
        t.clock.now().getTime() + t.config.reauthWindowMs,
      );
      const eve = await createUser(t, stale, { username: 'eve', password: 'eve-password-1' });
      await t
        .http()
        .patch(`${API}/admin/users/${eve.id}`)
        .set('Cookie', stale)
        .send({ isAuditor: true, email: 'eve@example.com' })
        .expect(200);
      await t
        .http()
        .put(`${API}/admin/token-policy`)
        .set('Cookie', stale)
        .send({ maxLifetimeDays: 180 })
        .expect(200);
      await createToken(t, stale, { name: 'after-confirm', expiresInDays: 7 });
      await t.http().delete(`${API}/admin/users/${eve.id}`).set('Cookie', stale).expect(204);

      t.clock.advance(t.config.reauthWindowMs);
      const again = await t
        .http()
        .put(`${API}/admin/token-policy`)
        .set('Cookie', stale)
        .send({ maxLifetimeDays: 90 });
      expect(again.body).toEqual(REAUTH);
    });

    it('tells a non-administrator 403 for admin routes rather than asking for a password', async () => {
      const response = await t
        .http()
        .post(`${API}/admin/users`)
        .set('Cookie', alice.cookie)
        .send({ username: 'mallory', password: 'mallory-pass-1' });
      expect(response.status).toBe(403);
      expect(response.body.message).toBe('Only system administrators may do this');
    });
  });

  describe('changing a password', () => {
    // A session just signed in: its password proof is fresh.
    let admin = '';
    beforeEach(async () => {
      admin = await signIn(t);
    });

    it('PUT /me/password changes your own, ends your other sessions and keeps this one', async () => {
      const frank = await createUser(t, admin, { username: 'frank', password: 'frank-password-1' });
      const other = await signIn(t, 'frank', 'frank-password-1');
      const { token } = await createToken(t, frank.cookie, { name: 'frank-ci', expiresInDays: 7 });
      // Long enough that the changing session's proof is stale: the current password is the proof.
      t.clock.advance(t.config.reauthWindowMs + MINUTE);

      await t
        .http()
        .put(`${API}/me/password`)
        .set('Cookie', frank.cookie)
        .send({ currentPassword: 'frank-password-1', newPassword: 'frank-password-2' })
        .expect(204);

      await t.http().get(`${API}/me`).set('Cookie', other).expect(401);
      await t.http().get(`${API}/me`).set('Cookie', frank.cookie).expect(200);
      // Tokens are credentials of their own: a password change does not revoke them.
      await t.http().get(`${API}/me`).set(bearer(token)).expect(200);
      // Its proof time is now: it may create a token without confirming again.
      await createToken(t, frank.cookie, { name: 'frank-new', expiresInDays: 7 });
      await t
        .http()
        .post(`${API}/session`)
        .send({ username: 'frank', password: 'frank-password-1' })
        .expect(401);
      await signIn(t, 'frank', 'frank-password-2');
    });

    it('refuses a wrong current password with 403 and changes nothing', async () => {
      const grace = await createUser(t, admin, { username: 'grace', password: 'grace-password-1' });
      const before = await changes();
      const response = await t
        .http()
        .put(`${API}/me/password`)
        .set('Cookie', grace.cookie)
        .send({ currentPassword: 'grace-password-x', newPassword: 'grace-password-2' });
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({
        error: 'Forbidden',
        message: 'The password is not correct',
      });
      expect(await changes()).toEqual(before);
      await t.http().get(`${API}/me`).set('Cookie', grace.cookie).expect(200);
      await signIn(t, 'grace', 'grace-password-1');
    });

    it('refuses a new password that breaks the rules, naming the field, and a token', async () => {
      const heidi = await createUser(t, admin, { username: 'heidi', password: 'heidi-password-1' });
      const short = await t
        .http()
        .put(`${API}/me/password`)
        .set('Cookie', heidi.cookie)
        .send({ currentPassword: 'heidi-password-1', newPassword: 'short' })
        .expect(400);
      expect(JSON.stringify(short.body)).toContain('newPassword');
      await t
        .http()
        .put(`${API}/me/password`)
        .set('Cookie', heidi.cookie)
        .send({ currentPassword: 'heidi-password-1' })
        .expect(400);
      const { token } = await createToken(t, heidi.cookie, { name: 'heidi-ci', expiresInDays: 7 });
      const before = await changes();
      await t
        .http()
        .put(`${API}/me/password`)
        .set(bearer(token))
        .send({ currentPassword: 'heidi-password-1', newPassword: 'heidi-password-2' })
        .expect(403);
      expect(await changes()).toEqual(before);
    });

    it('counts wrong current passwords like failed sign-ins', async () => {
      const limited = await startTestApp({ env: { LOGIN_FAILURE_LIMIT: '3' } });
      try {
        const cookie = await signIn(limited);
        for (let i = 0; i < 3; i++) {
          await limited
            .http()
            .put(`${API}/me/password`)
            .set('Cookie', cookie)
            .send({ currentPassword: `wrong-${i}-password`, newPassword: 'admin-password-2' })
            .expect(403);
        }
        const blocked = await limited
          .http()
          .post(`${API}/session/confirm`)
          .set('Cookie', cookie)
          .send({ password: ADMIN.password });
        expect(blocked.status).toBe(429);
        expect(blocked.headers['retry-after']).toBeDefined();
        await limited
          .http()
          .post(`${API}/session`)
          .send({ username: ADMIN.username, password: ADMIN.password })
          .expect(429);
      } finally {
        await limited.dispose();
      }
    });

    it('by an administrator ends every session of that user at once', async () => {
      const ivan = await createUser(t, admin, { username: 'ivan', password: 'ivan-password-1' });
      const second = await signIn(t, 'ivan', 'ivan-password-1');
      const fresh = await signIn(t);
      await t
        .http()
        .patch(`${API}/admin/users/${ivan.id}`)
        .set('Cookie', fresh)
        .send({ password: 'ivan-password-2' })
        .expect(200);
      await t.http().get(`${API}/me`).set('Cookie', ivan.cookie).expect(401);
      await t.http().get(`${API}/me`).set('Cookie', second).expect(401);
      await t.http().get(`${API}/me`).set('Cookie', fresh).expect(200);
      await signIn(t, 'ivan', 'ivan-password-2');
    });

    it('refuses an old session even where its row was not deleted (another instance, a failed delete)', async () => {
      const kim = await createUser(t, admin, { username: 'kim', password: 'kim-password-1' });
      const store = t.app.get<SessionStore>(SESSION_STORE);
      const row = (await store.find(idHashOf(kim.cookie))) as SessionRecord;
      expect(row).toMatchObject({ userId: kim.id, passwordVersion: 0 });
      await t
        .http()
        .patch(`${API}/admin/users/${kim.id}`)
        .set('Cookie', admin)
        .send({ password: 'kim-password-2' })
        .expect(200);
      expect(await store.find(idHashOf(kim.cookie))).toBeNull();
      // The row comes back as it was: the user's password version refuses it all the same.
      await store.save(idHashOf(kim.cookie), row);
      await t.http().get(`${API}/me`).set('Cookie', kim.cookie).expect(401);
      const fresh = await signIn(t, 'kim', 'kim-password-2');
      expect((await store.find(idHashOf(fresh)))?.passwordVersion).toBeGreaterThan(0);
      await t.http().get(`${API}/me`).set('Cookie', fresh).expect(200);
    });

    it('treats a session saved before proofs were recorded as signed in but not proven', async () => {
      const store = t.app.get<SessionStore>(SESSION_STORE);
      const row = (await store.find(idHashOf(admin))) as SessionRecord;
      await store.save(idHashOf(admin), { ...row, passwordProvenAt: null });
      await t.http().get(`${API}/admin/users`).set('Cookie', admin).expect(200);
      const refused = await t
        .http()
        .put(`${API}/admin/token-policy`)
        .set('Cookie', admin)
        .send({ maxLifetimeDays: 100 });
      expect(refused.body).toEqual(REAUTH);
    });

    it('by an administrator to their own password keeps the changing session only', async () => {
      const judy = await createUser(t, admin, {
        username: 'judy',
        password: 'judy-password-1',
        isAdmin: true,
      });
      const elsewhere = await signIn(t, 'judy', 'judy-password-1');
      await t
        .http()
        .patch(`${API}/admin/users/${judy.id}`)
        .set('Cookie', judy.cookie)
        .send({ password: 'judy-password-2' })
        .expect(200);
      await t.http().get(`${API}/me`).set('Cookie', elsewhere).expect(401);
      await t.http().get(`${API}/me`).set('Cookie', judy.cookie).expect(200);
      // Re-stamped: still proven, so another account change needs no confirmation.
      await t
        .http()
        .patch(`${API}/admin/users/${judy.id}`)
        .set('Cookie', judy.cookie)
        .send({ name: 'Judy' })
        .expect(200);
    });
  });
});
