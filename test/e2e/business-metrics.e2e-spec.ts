import { ProjectionRunner } from '@pat/application';
import { TokenUsageRecorder } from '@pat/tokens/usage/token-usage-recorder';
import { API, TestApp, bearer, createToken, signIn, startTestApp } from '../support/test-app';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Every sample of the scrape, by `name{labels}` as Prometheus prints it. */
async function scrape(t: TestApp): Promise<Map<string, number>> {
  const response = await t.http().get('/metrics').expect(200);
  const samples = new Map<string, number>();
  for (const line of response.text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

const BUSINESS = [
  'tokens_created_total',
  'tokens_revoked_total{reason="user"}',
  'tokens_revoked_total{reason="admin"}',
  'token_usage_records_total{type="TokenUsed"}',
  'token_usage_records_total{type="TokenRejected"}',
  'token_authentications_total{outcome="ok"}',
  'token_authentications_total{outcome="invalid"}',
  'token_authentications_total{outcome="expired"}',
  'token_authentications_total{outcome="revoked"}',
] as const;
type Business = (typeof BUSINESS)[number];

/** How much each business counter moved since `before` (every one of them, zeros included). */
async function movedSince(t: TestApp, before: Map<string, number>) {
  const after = await scrape(t);
  return Object.fromEntries(
    BUSINESS.map((name) => [name, (after.get(name) ?? NaN) - (before.get(name) ?? NaN)]),
  ) as Record<Business, number>;
}

const none = Object.fromEntries(BUSINESS.map((name) => [name, 0])) as Record<Business, number>;

describe('Business metrics on /metrics', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signIn(t);
  });
  afterAll(() => t.dispose());

  /** Usage is recorded off the request path: wait for it before reading the counters. */
  const settled = () => t.app.get(TokenUsageRecorder).settled();

  it('are exported from the start, at zero for every known label', async () => {
    const samples = await scrape(t);
    for (const name of BUSINESS) expect(samples.get(name)).toBe(0);
    expect(samples.has('projection_lag_events')).toBe(true);
    expect(samples.has('projection_lag_seconds')).toBe(true);
  });

  it('create, use, revoke, use the revoked token: each counter moves by exactly its share', async () => {
    let before = await scrape(t);
    const created = await createToken(t, admin, { name: 'metrics', expiresInDays: 30 });
    expect(await movedSince(t, before)).toEqual({ ...none, tokens_created_total: 1 });

    before = await scrape(t);
    await t.http().get(`${API}/me`).set(bearer(created.token)).expect(200);
    await t.http().get(`${API}/me`).set(bearer(created.token)).expect(200);
    await settled();
    // Two authentications; the usage trail records one use per interval.
    expect(await movedSince(t, before)).toEqual({
      ...none,
      'token_authentications_total{outcome="ok"}': 2,
      'token_usage_records_total{type="TokenUsed"}': 1,
    });

    before = await scrape(t);
    await t.http().post(`${API}/me/tokens/${created.id}/revoke`).set('Cookie', admin).expect(200);
    // Already revoked: 409, nothing appended, nothing counted.
    await t.http().post(`${API}/me/tokens/${created.id}/revoke`).set('Cookie', admin).expect(409);
    expect(await movedSince(t, before)).toEqual({
      ...none,
      'tokens_revoked_total{reason="user"}': 1,
    });

    before = await scrape(t);
    await t.http().get(`${API}/me`).set(bearer(created.token)).expect(401);
    await settled();
    expect(await movedSince(t, before)).toEqual({
      ...none,
      'token_authentications_total{outcome="revoked"}': 1,
      'token_usage_records_total{type="TokenRejected"}': 1,
    });
  });

  it('counts an administrator’s revoke by its reason, and invalid and expired tokens apart', async () => {
    const leaked = await createToken(t, admin, { name: 'leaked', expiresInDays: 30 });
    const shortLived = await createToken(t, admin, { name: 'short', expiresInDays: 1 });
    let before = await scrape(t);
    await t.http().post(`${API}/admin/tokens/${leaked.id}/revoke`).set('Cookie', admin).expect(200);
    // Well-formed but unknown, and not even well-formed: both "invalid", no usage record.
    const unknown = `${shortLived.token.slice(0, -10)}AAAAAAAAAA`;
    await t.http().get(`${API}/me`).set(bearer(unknown)).expect(401);
    await t.http().get(`${API}/me`).set(bearer('not-a-token')).expect(401);
    await settled();
    expect(await movedSince(t, before)).toEqual({
      ...none,
      'tokens_revoked_total{reason="admin"}': 1,
      'token_authentications_total{outcome="invalid"}': 2,
    });

    t.clock.advance(2 * DAY_MS);
    before = await scrape(t);
    await t.http().get(`${API}/me`).set(bearer(shortLived.token)).expect(401);
    await settled();
    expect(await movedSince(t, before)).toEqual({
      ...none,
      'token_authentications_total{outcome="expired"}': 1,
      'token_usage_records_total{type="TokenRejected"}': 1,
    });
  });

  it('projection lag: events behind the log head and seconds since the oldest of them', async () => {
    // The subscription follows the log by polling: let it reach the head first.
    for (let samples = await scrape(t); samples.get('projection_lag_events') !== 0;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      samples = await scrape(t);
    }
    expect((await scrape(t)).get('projection_lag_seconds')).toBe(0);
    // The clock moved days on above: the session has lapsed.
    admin = await signIn(t);

    // With the subscription stopped, appends still reach the read model inline but the
    // projection's position stays where it was: what it has not applied is its lag.
    await t.app.get(ProjectionRunner).stop();
    await createToken(t, admin, { name: 'behind-1', expiresInDays: 30 });
    t.clock.advance(30_000);
    await createToken(t, admin, { name: 'behind-2', expiresInDays: 30 });
    t.clock.advance(15_000);
    const samples = await scrape(t);
    expect(samples.get('projection_lag_events')).toBe(2);
    expect(samples.get('projection_lag_seconds')).toBe(45);
  });
});
