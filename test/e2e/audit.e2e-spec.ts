import { EVENT_STORE, EventStore } from '@pat/event-store';
import { DAY_MS } from '@pat/shared';
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

describe('Audit API and usage trail', () => {
  let t: TestApp;
  let admin: string;
  let auditor: { id: string; cookie: string };
  let bob: { id: string; cookie: string };

  beforeAll(async () => {
    t = await startTestApp({ env: { TOKEN_USAGE_INTERVAL_SECONDS: '600' } });
    admin = await signIn(t);
    auditor = await createUser(t, admin, { username: 'audrey', password: 'audrey-password' });
    await t
      .http()
      .patch(`${API}/admin/users/${auditor.id}`)
      .set('Cookie', admin)
      .send({ isAuditor: true })
      .expect(200);
    bob = await createUser(t, admin, { username: 'bob', password: 'bob-password-1' });
  });
  afterAll(async () => {
    await t.dispose();
  });
  const settle = () => t.app.get(TokenUsageRecorder).settled();
  const refresh = async () => {
    admin = await signIn(t);
    auditor.cookie = await signIn(t, 'audrey', 'audrey-password');
    bob.cookie = await signIn(t, 'bob', 'bob-password-1');
  };

  it('refuses every audit endpoint to a user who is neither admin nor auditor', async () => {
    const { id, token } = await createToken(t, bob.cookie);
    for (const path of [
      '/audit/events',
      `/audit/tokens/${id}/history`,
      `/audit/tokens/${id}/status?at=2026-03-01T12:00:00Z`,
      '/audit/active-tokens?at=2026-03-01T12:00:00Z',
    ]) {
      await t.http().get(`${API}${path}`).set('Cookie', bob.cookie).expect(403);
      await t.http().get(`${API}${path}`).set(bearer(token)).expect(403);
      await t.http().get(`${API}${path}`).set('Cookie', auditor.cookie).expect(200);
    }
  });

  it('pages the event log in order with filters and a stable cursor', async () => {
    const log = await t.app.get<EventStore>(EVENT_STORE).readAll({ maxCount: 100_000 });
    const pages: Array<{ type: string; position: string }> = [];
    let after: string | null = null;
    let calls = 0;
    do {
      const response: { body: { events: typeof pages; next: string | null } } = await t
        .http()
        .get(`${API}/audit/events`)
        .query({ limit: 3, ...(after ? { after } : {}) })
        .set('Cookie', auditor.cookie)
        .expect(200);
      pages.push(...response.body.events);
      after = response.body.next;
      calls += 1;
    } while (after !== null && calls < 100);
    expect(pages.map((e) => e.position)).toEqual(log.map((e) => e.position));

    const revocations = await t
      .http()
      .get(`${API}/audit/events`)
      .query({ type: 'UserCreated,UserUpdated', userId: auditor.id })
      .set('Cookie', admin)
      .expect(200);
    expect(revocations.body.events.map((e: { type: string }) => e.type)).toEqual([
      'UserCreated',
      'UserUpdated',
    ]);
    expect(JSON.stringify(revocations.body)).not.toContain('$argon2id$');
    expect(revocations.body.events[0].data.passwordHash).toBe('[redacted]');

    for (const bad of [
      { limit: 0 },
      { limit: 1001 },
      { userId: 'x' },
      { after: 'nonsense' },
      { foo: 1 },
    ]) {
      await t.http().get(`${API}/audit/events`).query(bad).set('Cookie', admin).expect(400);
    }
  });

  it('answers a token’s status as of an instant, before and after revocation and across a policy change', async () => {
    await refresh();
    const created = t.clock.now();
    const { id, token } = await createToken(t, bob.cookie, { name: 'ci', expiresInDays: 90 });
    t.clock.advance(DAY_MS);
    await refresh();
    await t
      .http()
      .put(`${API}/admin/token-policy`)
      .set('Cookie', admin)
      .send({ maxLifetimeDays: 30 })
      .expect(200);
    const policyLowered = t.clock.now();
    t.clock.advance(DAY_MS);
    await t.http().post(`${API}/me/tokens/${id}/revoke`).set(bearer(token)).expect(200);
    const revoked = t.clock.now();
    t.clock.advance(DAY_MS);
    await refresh();

    const statusAt = async (at: Date) =>
      (
        await t
          .http()
          .get(`${API}/audit/tokens/${id}/status`)
          .query({ at: at.toISOString() })
          .set('Cookie', auditor.cookie)
          .expect(200)
      ).body;

    expect(await statusAt(new Date(created.getTime() - 1000))).toMatchObject({ existed: false });
    expect(await statusAt(new Date(created.getTime() + 1000))).toMatchObject({
      existed: true,
      status: 'Active',
      cappedByPolicy: false,
      maxLifetimeDays: 365,
      revokedAt: null,
    });
    expect(await statusAt(new Date(policyLowered.getTime() + 1000))).toMatchObject({
      status: 'Active',
      cappedByPolicy: true,
      maxLifetimeDays: 30,
      effectiveExpiresAt: new Date(created.getTime() + 30 * DAY_MS).toISOString(),
    });
    expect(await statusAt(new Date(revoked.getTime() - 1000))).toMatchObject({ status: 'Active' });
    expect(await statusAt(revoked)).toMatchObject({
      status: 'Revoked',
      revokedAt: revoked.toISOString(),
    });
    // Far in the future, under a 30-day policy, an unrevoked token would be Expired; this one
    // stays Revoked.
    expect(await statusAt(new Date(created.getTime() + 40 * DAY_MS))).toMatchObject({
      status: 'Revoked',
    });

    const activeBefore = await t
      .http()
      .get(`${API}/audit/active-tokens`)
      .query({ at: new Date(revoked.getTime() - 1000).toISOString(), userId: bob.id })
      .set('Cookie', auditor.cookie)
      .expect(200);
    expect(activeBefore.body.tokens.map((x: { tokenId: string }) => x.tokenId)).toContain(id);
    const activeAfter = await t
      .http()
      .get(`${API}/audit/active-tokens`)
      .query({ at: revoked.toISOString(), userId: bob.id })
      .set('Cookie', auditor.cookie)
      .expect(200);
    expect(activeAfter.body.tokens.map((x: { tokenId: string }) => x.tokenId)).not.toContain(id);

    const history = await t
      .http()
      .get(`${API}/audit/tokens/${id}/history`)
      .set('Cookie', auditor.cookie)
      .expect(200);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['TokenCreated', 'TokenRevoked']),
    );
    await t
      .http()
      .get(`${API}/audit/tokens/${id}/status`)
      .query({ at: 'yesterday' })
      .set('Cookie', auditor.cookie)
      .expect(400);
    await t
      .http()
      .put(`${API}/admin/token-policy`)
      .set('Cookie', admin)
      .send({ maxLifetimeDays: 365 })
      .expect(200);
  });

  it('records one TokenUsed per interval, with IP and user agent in listings, off the request path', async () => {
    await refresh();
    const { id, token } = await createToken(t, bob.cookie);
    for (let i = 0; i < 5; i++) {
      await t.http().get(`${API}/me`).set(bearer(token)).set('User-Agent', 'ci-runner/1.0');
    }
    await settle();
    const used = async () =>
      (await t.app.get<EventStore>(EVENT_STORE).readStream(`token_usage-${id}`)).filter(
        (e) => e.type === 'TokenUsed',
      );
    expect(await used()).toHaveLength(1);
    const listed = await t.http().get(`${API}/me/tokens/${id}`).set('Cookie', bob.cookie);
    expect(listed.body).toMatchObject({
      lastUsedAt: t.clock.now().toISOString(),
      lastUsedUserAgent: 'ci-runner/1.0',
      lastUsedIp: expect.stringMatching(/127\.0\.0\.1|::1|::ffff:127\.0\.0\.1/),
    });
    t.clock.advance(11 * 60 * 1000);
    await refresh();
    await t.http().get(`${API}/me`).set(bearer(token)).expect(200);
    await settle();
    expect(await used()).toHaveLength(2);
  });

  it('records one TokenRejected per interval for a revoked token, even under 100 concurrent attempts', async () => {
    await refresh();
    const { id, token } = await createToken(t, bob.cookie);
    await t.http().post(`${API}/me/tokens/${id}/revoke`).set('Cookie', bob.cookie).expect(200);
    const statuses = await Promise.all(
      Array.from({ length: 100 }, () =>
        t
          .http()
          .get(`${API}/me`)
          .set(bearer(token))
          .then((r) => r.status),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([401]));
    await settle();
    const rejected = async () =>
      (await t.app.get<EventStore>(EVENT_STORE).readStream(`token_usage-${id}`)).filter(
        (e) => e.type === 'TokenRejected',
      );
    expect(await rejected()).toHaveLength(1);
    expect((await rejected())[0].data).toMatchObject({ reason: 'revoked', tokenId: id });

    t.clock.advance(11 * 60 * 1000);
    await t.http().get(`${API}/me`).set(bearer(token)).expect(401);
    await settle();
    expect(await rejected()).toHaveLength(2);

    await refresh();
    const filtered = await t
      .http()
      .get(`${API}/audit/events`)
      .query({ type: 'TokenRejected', tokenId: id })
      .set('Cookie', auditor.cookie)
      .expect(200);
    expect(filtered.body.events).toHaveLength(2);
  });

  it('sends Token-Expiration with token-authenticated responses and marks tokens expiring soon', async () => {
    await refresh();
    const { id, token } = await createToken(t, bob.cookie, { name: 'soon', expiresInDays: 7 });
    const response = await t.http().get(`${API}/me`).set(bearer(token)).expect(200);
    expect(response.headers['token-expiration']).toBe(
      new Date(t.clock.now().getTime() + 7 * DAY_MS).toISOString(),
    );
    const session = await t.http().get(`${API}/me`).set('Cookie', bob.cookie).expect(200);
    expect(session.headers['token-expiration']).toBeUndefined();
    const soon = await t.http().get(`${API}/me/tokens/${id}`).set('Cookie', bob.cookie);
    expect(soon.body.expiringSoon).toBe(true);
    const later = await createToken(t, bob.cookie, { name: 'later', expiresInDays: 30 });
    const notSoon = await t.http().get(`${API}/me/tokens/${later.id}`).set('Cookie', bob.cookie);
    expect(notSoon.body.expiringSoon).toBe(false);
  });
});
