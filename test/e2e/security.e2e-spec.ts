import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { API, TestApp, bearer, createToken, signIn, startTestApp } from '../support/test-app';

describe('Brute-force limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { BEARER_FAILURE_LIMIT: '5', LOGIN_FAILURE_LIMIT: '3' } });
  });
  afterAll(async () => {
    await t.dispose();
  });

  it('answers repeated failed bearer attempts with 429 and Retry-After, and counts no successes', async () => {
    const admin = await signIn(t);
    const { token } = await createToken(t, admin);
    // Successes are never counted: many of them, interleaved with failures below the limit.
    for (let i = 0; i < 4; i++) {
      await t.http().get(`${API}/me`).set(bearer('tgp_wrong')).expect(401);
      for (let j = 0; j < 5; j++) await t.http().get(`${API}/me`).set(bearer(token)).expect(200);
    }
    await t.http().get(`${API}/me`).set(bearer('tgp_wrong')).expect(401);
    const limited = await t.http().get(`${API}/me`).set(bearer('tgp_wrong')).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.body.message).toContain('Too many failed attempts');
    // Only failed attempts are refused: this client's valid token still authenticates
    // (docs/design/contract.md §10).
    await t.http().get(`${API}/me`).set(bearer(token)).expect(200);
    await t.http().get(`${API}/me`).set(bearer('tgp_wrong')).expect(429);
    // Sessions are not bearer attempts.
    await t.http().get(`${API}/me`).set('Cookie', admin).expect(200);
  });

  it('answers repeated failed sign-ins with 429 and one message for any failure before that', async () => {
    for (let i = 0; i < 3; i++) {
      await t
        .http()
        .post(`${API}/session`)
        .send({ username: 'admin', password: 'wrong-password' })
        .expect(401);
    }
    const limited = await t
      .http()
      .post(`${API}/session`)
      .send({ username: 'admin', password: 'admin-password-1' })
      .expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(60);
    // Another username from the same client is a different counter.
    await t
      .http()
      .post(`${API}/session`)
      .send({ username: 'nobody', password: 'whatever-1' })
      .expect(401);
  });
});

describe('Brute-force limits shared through Redis', () => {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    // The machine's Redis runs for every session; fail with a clear message if it is not there.
    await redis.ping();
    const env = { BEARER_FAILURE_LIMIT: '4', REDIS_URL: redisUrl };
    a = await startTestApp({ env });
    b = await startTestApp({ env });
    await redis.del('pat:bearer:::ffff:127.0.0.1', 'pat:bearer:127.0.0.1');
  });
  afterAll(async () => {
    await Promise.all([a?.dispose(), b?.dispose()]);
    await redis.del('pat:bearer:::ffff:127.0.0.1', 'pat:bearer:127.0.0.1');
    redis.disconnect();
  });

  it('counts failures on one instance against the other', async () => {
    const wrong = bearer(`tgp_${randomUUID()}`);
    await a.http().get(`${API}/me`).set(wrong).expect(401);
    await a.http().get(`${API}/me`).set(wrong).expect(401);
    await b.http().get(`${API}/me`).set(wrong).expect(401);
    // The fourth failure in all, on B, reaches the shared limit of four…
    await b.http().get(`${API}/me`).set(wrong).expect(401);
    await b.http().get(`${API}/me`).set(wrong).expect(429);
    // …and A learns of it from the shared count at its next failure.
    await a.http().get(`${API}/me`).set(wrong).expect(401);
    await a.http().get(`${API}/me`).set(wrong).expect(429);
  });
});

describe('HTTP hardening', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => {
    await t.dispose();
  });

  it('sends security headers and no CORS permission', async () => {
    const response = await t
      .http()
      .get('/health')
      .set('Origin', 'https://evil.example')
      .expect(200);
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await t
      .http()
      .options(`${API}/me/tokens`)
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sets the session cookie Secure behind a TLS proxy, and refuses cross-site changes', async () => {
    const secure = await t
      .http()
      .post(`${API}/session`)
      .set('X-Forwarded-Proto', 'https')
      .send({ username: 'admin', password: 'admin-password-1' })
      .expect(200);
    const cookie = String(secure.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Secure/);

    const admin = await signIn(t);
    const crossSite = await t
      .http()
      .post(`${API}/me/tokens`)
      .set('Cookie', admin)
      .set('Origin', 'https://evil.example')
      .send({ name: 'csrf', expiresInDays: 7 })
      .expect(403);
    expect(crossSite.body.message).toContain('Cross-site');
    await t
      .http()
      .post(`${API}/me/tokens`)
      .set('Cookie', admin)
      .set('Sec-Fetch-Site', 'cross-site')
      .send({ name: 'csrf', expiresInDays: 7 })
      .expect(403);
    const host = `127.0.0.1`;
    await t
      .http()
      .post(`${API}/me/tokens`)
      .set('Cookie', admin)
      .set('Host', host)
      .set('Origin', `http://${host}`)
      .send({ name: 'same-origin', expiresInDays: 7 })
      .expect(201);
  });

  it('serves Prometheus metrics', async () => {
    await t.http().get('/health').expect(200);
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toContain('http_requests_total');
    expect(metrics.text).toContain('projection_caught_up 1');
    expect(metrics.text).not.toMatch(/route="[^"]*[0-9a-f]{8}-[0-9a-f]{4}/);
  });
});
