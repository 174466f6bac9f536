import { BearerStrategy } from '@pat/auth';
import { READ_MODEL, ReadModel } from '@pat/read-model';
import { checksumOf } from '@pat/tokens';
import type { Request } from 'express';
import { API, TestApp, bearer, createToken, signIn, startTestApp } from '../support/test-app';

/** RFC 6750 behaviour of the bearer strategy and the global guard. */
describe('Bearer authentication', () => {
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

  it('answers a request without credentials with 401 and a bare challenge', async () => {
    const response = await t.http().get(`${API}/me`).expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it.each([
    ['no credentials after the scheme', 'Bearer'],
    ['too many parts', `Bearer ${'a'} b`],
    ['an empty header', ''],
  ])(
    'answers a malformed Authorization header (%s) with 400 invalid_request',
    async (_, header) => {
      const response = await t.http().get(`${API}/me`).set('Authorization', header).expect(400);
      expect(response.headers['www-authenticate']).toContain('error="invalid_request"');
      expect(response.body.error).toBe('invalid_request');
    },
  );

  it('answers another scheme with 401 and a bare challenge', async () => {
    const response = await t
      .http()
      .get(`${API}/me`)
      .set('Authorization', 'Basic YWRtaW46cGFzc3dvcmQ=')
      .expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('refuses a token with a wrong checksum without looking it up', async () => {
    const readModel = t.app.get<ReadModel>(READ_MODEL);
    const lookup = jest.spyOn(readModel, 'findTokenByHash');
    try {
      const body = token.slice(4, 34);
      const wrong = `tgp_${body}${checksumOf(body) === '000000' ? '000001' : '000000'}`;
      const typo = token.slice(0, 10) + (token[10] === 'a' ? 'b' : 'a') + token.slice(11);
      for (const candidate of [wrong, typo, token.slice(0, -1), `xyz_${token.slice(4)}`]) {
        const response = await t.http().get(`${API}/me`).set(bearer(candidate)).expect(401);
        expect(response.headers['www-authenticate']).toBe(
          'Bearer realm="api", error="invalid_token", error_description="The access token is invalid"',
        );
      }
      expect(lookup).not.toHaveBeenCalled();
    } finally {
      lookup.mockRestore();
    }
  });

  it('gives one generic answer for a well-formed token that does not exist', async () => {
    const body = 'A'.repeat(30);
    const unknown = `tgp_${body}${checksumOf(body)}`;
    const response = await t.http().get(`${API}/me`).set(bearer(unknown)).expect(401);
    expect(response.headers['www-authenticate']).toContain('The access token is invalid');
  });

  it('accepts the scheme name in any case', async () => {
    await t.http().get(`${API}/me`).set('Authorization', `bearer ${token}`).expect(200);
  });

  it('keeps checks in flight together apart: each request gets its own outcome', async () => {
    // Passport's callback is built once and shared by all requests. Over HTTP one request's
    // check ends before the next arrives (the embedded read model answers at once), so the
    // strategy is driven directly: every request enters passport before any lookup answers. An
    // answer given to the wrong request leaves another one waiting: hence the short timeout.
    const doomed = await createToken(t, admin, { name: 'doomed', expiresInDays: 30 });
    await t.http().post(`${API}/me/tokens/${doomed.id}/revoke`).set('Cookie', admin).expect(200);
    const body = 'B'.repeat(30);
    const cases: Array<[string, object]> = [
      [`Bearer ${token}`, { kind: 'accepted', principal: { username: 'admin' } }],
      [`Bearer ${doomed.token}`, { kind: 'rejected', reason: 'revoked' }],
      [`Bearer tgp_${body}${checksumOf(body)}`, { kind: 'rejected', reason: 'invalid' }],
      ['Basic YWRtaW46cGFzc3dvcmQ=', { kind: 'missing' }],
      ['Bearer a b', { kind: 'malformed' }],
    ];
    const sent = Array.from({ length: 30 }, (_, i) => cases[(i * 3) % cases.length]);
    const strategy = t.app.get(BearerStrategy);
    const results = await Promise.all(
      sent.map(([authorization]) =>
        strategy.authenticateRequest({ headers: { authorization } } as unknown as Request),
      ),
    );
    results.forEach((result, i) => expect(result).toMatchObject(sent[i][1]));
  }, 10_000);

  it('does not accept a token from the query string or the body', async () => {
    await t.http().get(`${API}/me?access_token=${token}`).expect(401);
    await t.http().get(`${API}/me/tokens`).query({ access_token: token }).expect(401);
    await t
      .http()
      .post(`${API}/me/tokens/00000000-0000-4000-8000-000000000000/revoke`)
      .send({ access_token: token })
      .expect(401);
  });

  it('does not let a session cookie rescue a bad bearer token', async () => {
    await t
      .http()
      .get(`${API}/me`)
      .set('Cookie', admin)
      .set('Authorization', 'Bearer tgp_nonsense')
      .expect(401);
  });

  it('signs out: the session cookie stops working', async () => {
    const cookie = await signIn(t);
    await t.http().get(`${API}/me`).set('Cookie', cookie).expect(200);
    const response = await t.http().delete(`${API}/session`).set('Cookie', cookie).expect(204);
    expect(String(response.headers['set-cookie'])).toContain('pat_session=;');
    await t.http().get(`${API}/me`).set('Cookie', cookie).expect(401);
  });

  it('answers any failed sign-in with one message', async () => {
    const unknownUser = await t
      .http()
      .post(`${API}/session`)
      .send({ username: 'nobody', password: 'whatever-1' })
      .expect(401);
    const wrongPassword = await t
      .http()
      .post(`${API}/session`)
      .send({ username: 'admin', password: 'wrong-password' })
      .expect(401);
    expect(unknownUser.body.message).toBe(wrongPassword.body.message);
  });

  it('sets the session cookie HttpOnly and SameSite=Strict', async () => {
    const response = await t
      .http()
      .post(`${API}/session`)
      .send({ username: 'admin', password: 'admin-password-1' })
      .expect(200);
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
  });

  it('keeps administrator routes to administrators', async () => {
    await t
      .http()
      .post(`${API}/admin/users`)
      .set('Cookie', admin)
      .send({ username: 'dave', password: 'dave-password' })
      .expect(201);
    const dave = await signIn(t, 'dave', 'dave-password');
    await t.http().get(`${API}/admin/users`).set('Cookie', dave).expect(403);
    await t.http().get(`${API}/admin/token-policy`).set('Cookie', dave).expect(403);
    await t
      .http()
      .put(`${API}/admin/token-policy`)
      .set('Cookie', dave)
      .send({ maxLifetimeDays: 1 })
      .expect(403);
    const users = await t.http().get(`${API}/admin/users`).set('Cookie', admin).expect(200);
    expect(users.body.map((u: { username: string }) => u.username)).toEqual(['admin', 'dave']);
    expect(JSON.stringify(users.body)).not.toContain('argon2');
  });

  it('serves the OpenAPI document and health without credentials', async () => {
    const doc = await t.http().get('/api/docs-json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/me/tokens', '/api/v1/me/tokens/{id}/revoke']),
    );
    await t.http().get('/health').expect(200);
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body.details.projection).toMatchObject({ status: 'up', caughtUp: true });
  });

  // Last: it closes the read model for real.
  it('fails closed with 503 once the read model cannot be read, and says so in readiness', async () => {
    await t.app.get<ReadModel>(READ_MODEL).close();
    const response = await t.http().get(`${API}/me`).set(bearer(token)).expect(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body.message).not.toContain(token);
    await t.http().get(`${API}/me`).set('Cookie', admin).expect(503);
    const ready = await t.http().get('/health/ready').expect(503);
    expect(ready.body.details.readModel.status).toBe('down');
  });
});
