import { EVENT_STORE, EventStore } from '@pat/event-store';
import { READ_MODEL } from '@pat/read-model';
import { DAY_MS } from '@pat/shared';
import { isWellFormedToken } from '@pat/tokens';
import {
  API,
  TestApp,
  bearer,
  createToken,
  createUser,
  filesUnder,
  signIn,
  startTestApp,
} from '../support/test-app';

describe('Token lifecycle (embedded stores, over HTTP)', () => {
  let t: TestApp;
  let admin: string;
  const plaintexts: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
  });
  // Sessions follow the test clock too: tests that move it sign in again.
  beforeEach(async () => {
    admin = await signIn(t);
  });
  afterAll(async () => {
    await t.dispose();
  });

  const newToken = async (cookie = admin, body?: Record<string, unknown>) => {
    const created = await createToken(t, cookie, body);
    plaintexts.push(created.token);
    return created;
  };

  it('runs on the backend the environment names', () => {
    const readModel = t.app.get<object>(READ_MODEL);
    expect(readModel.constructor.name).toBe(
      process.env.MONGODB_URI ? 'MongoReadModel' : 'SqliteReadModel',
    );
  });

  it('creates a token, authenticates with it, lists it, revokes it and refuses it at once', async () => {
    const created = await t
      .http()
      .post(`${API}/me/tokens`)
      .set('Cookie', admin)
      .send({ name: 'ci-deploy', expiresInDays: 30 })
      .expect(201);
    const token: string = created.body.token;
    plaintexts.push(token);
    expect(token).toHaveLength(40);
    expect(token.startsWith('tgp_')).toBe(true);
    expect(isWellFormedToken('tgp_', token)).toBe(true);
    expect(created.body).toMatchObject({
      name: 'ci-deploy',
      status: 'Active',
      tokenHint: `tgp_…${token.slice(-4)}`,
      cappedByPolicy: false,
      revokedAt: null,
      createdAt: '2026-03-01T12:00:00.000Z',
      expiresAt: '2026-03-31T12:00:00.000Z',
    });

    const me = await t.http().get(`${API}/me`).set(bearer(token)).expect(200);
    expect(me.body).toMatchObject({
      username: 'admin',
      isAdmin: true,
      authMethod: 'token',
      tokenId: created.body.id,
    });

    const listed = await t.http().get(`${API}/me/tokens`).set(bearer(token)).expect(200);
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0]).toMatchObject({
      id: created.body.id,
      status: 'Active',
      tokenHint: created.body.tokenHint,
    });
    expect(listed.body[0]).not.toHaveProperty('token');
    expect(JSON.stringify(listed.body)).not.toContain(token);

    const revoked = await t
      .http()
      .post(`${API}/me/tokens/${created.body.id}/revoke`)
      .set('Cookie', admin)
      .expect(200);
    expect(revoked.body).toMatchObject({
      status: 'Revoked',
      revokedAt: '2026-03-01T12:00:00.000Z',
    });

    const refused = await t.http().get(`${API}/me`).set(bearer(token)).expect(401);
    expect(refused.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token was revoked"',
    );
    expect(refused.body).toMatchObject({ error: 'invalid_token' });

    const after = await t.http().get(`${API}/me/tokens`).set('Cookie', admin).expect(200);
    expect(after.body[0]).toMatchObject({
      id: created.body.id,
      status: 'Revoked',
      revokedAt: '2026-03-01T12:00:00.000Z',
    });
  });

  // The events' data and metadata are those of docs/design/contract.md §5.
  it('records TokenCreated and TokenRevoked with the contract’s data and metadata', async () => {
    const { id, token } = await newToken();
    await t.http().post(`${API}/me/tokens/${id}/revoke`).set(bearer(token)).expect(200);
    const events = (await t.app.get<EventStore>(EVENT_STORE).readStream(`token-${id}`)).filter(
      (e) => e.type !== 'TokenUsed',
    );
    expect(events.map((e) => e.type)).toEqual(['TokenCreated', 'TokenRevoked']);
    expect(Object.keys(events[0].data as object).sort()).toEqual(
      ['createdAt', 'expiresAt', 'name', 'tokenHash', 'tokenHint', 'tokenId', 'userId'].sort(),
    );
    expect(events[0].metadata).toMatchObject({
      occurredAt: '2026-03-01T12:00:00.000Z',
      actor: { via: 'session' },
      schemaVersion: 1,
    });
    expect(events[0].metadata.requestId).toEqual(expect.any(String));
    expect(events[1].data).toMatchObject({ tokenId: id, reason: 'user' });
    // Revoked with the token itself: the actor names it.
    expect(events[1].metadata.actor).toMatchObject({ via: 'token', tokenId: id });
    expect(JSON.stringify(events)).not.toContain(token);
  });

  it('lists tokens newest first', async () => {
    const first = await newToken(admin, { name: 'first', expiresInDays: 7 });
    t.clock.advance(1000);
    const second = await newToken(admin, { name: 'second', expiresInDays: 7 });
    const listed = await t.http().get(`${API}/me/tokens`).set('Cookie', admin).expect(200);
    const ids = listed.body.map((token: { id: string }) => token.id);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
  });

  it('expires a token by the clock: 401 saying expired, listed Expired', async () => {
    const { id, token } = await newToken(admin, { name: 'short', expiresInDays: 7 });
    await t.http().get(`${API}/me`).set(bearer(token)).expect(200);
    t.clock.advance(7 * DAY_MS);
    admin = await signIn(t);
    const refused = await t.http().get(`${API}/me`).set(bearer(token)).expect(401);
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(refused.headers['www-authenticate']).toContain('The access token expired');
    const listed = await t.http().get(`${API}/me/tokens/${id}`).set('Cookie', admin).expect(200);
    expect(listed.body.status).toBe('Expired');
  });

  it('applies policy changes to existing tokens: lowering caps at once, raising restores', async () => {
    const { id, token } = await newToken(admin, { name: 'long', expiresInDays: 365 });
    const createdAt = Date.parse(t.clock.now().toISOString());

    await t
      .http()
      .put(`${API}/admin/token-policy`)
      .set('Cookie', admin)
      .send({ maxLifetimeDays: 30 })
      .expect(200, { maxLifetimeDays: 30, presets: [7, 30] });
    const capped = await t.http().get(`${API}/me/tokens/${id}`).set('Cookie', admin).expect(200);
    expect(capped.body).toMatchObject({
      status: 'Active',
      cappedByPolicy: true,
      expiresAt: new Date(createdAt + 30 * DAY_MS).toISOString(),
    });

    t.clock.advance(31 * DAY_MS);
    admin = await signIn(t);
    await t.http().get(`${API}/me`).set(bearer(token)).expect(401);
    const expired = await t.http().get(`${API}/me/tokens/${id}`).set('Cookie', admin).expect(200);
    expect(expired.body.status).toBe('Expired');

    const tooLong = await t
      .http()
      .post(`${API}/me/tokens`)
      .set('Cookie', admin)
      .send({ name: 'too-long', expiresInDays: 31 })
      .expect(400);
    expect(tooLong.body.message).toContain('maximum lifetime of 30 days');
    expect(tooLong.body.errors[0].field).toBe('expiresInDays');

    await t
      .http()
      .put(`${API}/admin/token-policy`)
      .set('Cookie', admin)
      .send({ maxLifetimeDays: 365 })
      .expect(200);
    const restored = await t.http().get(`${API}/me/tokens/${id}`).set('Cookie', admin).expect(200);
    expect(restored.body).toMatchObject({
      status: 'Active',
      cappedByPolicy: false,
      expiresAt: new Date(createdAt + 365 * DAY_MS).toISOString(),
    });
    await t.http().get(`${API}/me`).set(bearer(token)).expect(200);

    const policy = await t.http().get(`${API}/token-policy`).set(bearer(token)).expect(200);
    expect(policy.body).toEqual({ maxLifetimeDays: 365, presets: [7, 30, 60, 90, 180, 365] });
  });

  it('refuses to let a token mint a token (403)', async () => {
    const { token } = await newToken();
    const refused = await t
      .http()
      .post(`${API}/me/tokens`)
      .set(bearer(token))
      .send({ name: 'minted', expiresInDays: 7 })
      .expect(403);
    expect(refused.body.message).toContain('A token cannot create or widen a credential');
  });

  it('hides other users’ tokens (404) and answers a second revoke with 409', async () => {
    const bob = await createUser(t, admin, { username: 'bob', password: 'bob-password-1' });
    const bobs = await newToken(bob.cookie, { name: 'bobs', expiresInDays: 7 });
    await t.http().get(`${API}/me/tokens/${bobs.id}`).set('Cookie', admin).expect(404);
    await t.http().post(`${API}/me/tokens/${bobs.id}/revoke`).set('Cookie', admin).expect(404);
    await t.http().get(`${API}/me/tokens/not-a-uuid`).set('Cookie', admin).expect(404);
    await t.http().get(`${API}/me`).set(bearer(bobs.token)).expect(200);

    await t.http().post(`${API}/me/tokens/${bobs.id}/revoke`).set('Cookie', bob.cookie).expect(200);
    const again = await t
      .http()
      .post(`${API}/me/tokens/${bobs.id}/revoke`)
      .set('Cookie', bob.cookie)
      .expect(409);
    expect(again.body.message).toContain('already revoked');
  });

  it('records exactly one TokenRevoked for 50 concurrent revokes', async () => {
    const { id } = await newToken();
    const statuses = await Promise.all(
      Array.from({ length: 50 }, () =>
        t
          .http()
          .post(`${API}/me/tokens/${id}/revoke`)
          .set('Cookie', admin)
          .then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const events = await t.app.get<EventStore>(EVENT_STORE).readStream(`token-${id}`);
    expect(events.filter((e) => e.type === 'TokenRevoked')).toHaveLength(1);
  });

  it('leaves no plaintext token in the data files or the logs', async () => {
    expect(plaintexts.length).toBeGreaterThan(5);
    const scan = () => {
      const files = filesUnder(t.dataDir);
      expect(files.length).toBeGreaterThan(0);
      for (const token of plaintexts) {
        const needle = Buffer.from(token);
        for (const file of files)
          expect({ file: file.path, found: file.content.includes(needle) }).toEqual({
            file: file.path,
            found: false,
          });
        expect(t.logs.some((line) => line.includes(token))).toBe(false);
      }
    };
    expect(t.logs.length).toBeGreaterThan(10);
    scan();
    await t.close();
    scan();
  });
});
