import type { Response } from 'supertest';
import { DAY_MS } from '@pat/shared';
import {
  API,
  TestApp,
  bearer,
  createToken,
  createUser,
  signIn,
  startTestApp,
} from '../support/test-app';

/** docs/design/contract.md §10, bounded resources: the active-token cap and paged lists. */

const LINK = /^<(\/api\/v1\/[^>]+)>; rel="next"$/;

/** The URL of the next page, or null; fails on a Link header of any other shape. */
function nextOf(response: Response): string | null {
  const link = response.headers.link as string | undefined;
  if (link === undefined) return null;
  const match = LINK.exec(link);
  if (!match) throw new Error(`unexpected Link header: ${link}`);
  return match[1];
}

/**
 * Follows the Link headers from `path` to the end: every page but the last is full, and the
 * pages together are the whole list in the same order, with nothing twice and nothing left out.
 */
async function walk<T>(
  t: TestApp,
  cookie: string,
  path: string,
  limit: number,
  itemsOf: (body: unknown) => T[],
  whole: T[],
): Promise<{ pages: T[][]; links: string[] }> {
  const pages: T[][] = [];
  const links: string[] = [];
  let url: string | null = `${API}${path}${path.includes('?') ? '&' : '?'}limit=${limit}`;
  while (url !== null) {
    const response: Response = await t.http().get(url).set('Cookie', cookie).expect(200);
    const items = itemsOf(response.body);
    pages.push(items);
    url = nextOf(response);
    if (url !== null) {
      links.push(url);
      expect(items).toHaveLength(limit);
    } else {
      expect(items.length).toBeLessThanOrEqual(limit);
    }
    expect(pages.length).toBeLessThanOrEqual(whole.length + 1);
  }
  expect(pages.flat()).toEqual(whole);
  expect(new Set(pages.flat().map((item) => JSON.stringify(item))).size).toBe(whole.length);
  return { pages, links };
}

const ids = (body: unknown) => (body as Array<{ id: string }>).map((item) => item.id);
const activeIds = (body: unknown) =>
  (body as { tokens: Array<{ tokenId: string }> }).tokens.map((token) => token.tokenId);

describe('Active-token cap (MAX_ACTIVE_TOKENS_PER_USER, default 100)', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.dispose();
  });

  it('refuses token 101 with a 409 naming the setting; revoking one lets the next succeed', async () => {
    t = await startTestApp();
    const admin = await signIn(t);
    const alice = await createUser(t, admin, { username: 'alice', password: 'alice-password-1' });
    const created: string[] = [];
    for (let i = 0; i < 100; i++) {
      created.push((await createToken(t, alice.cookie, { name: `t${i}`, expiresInDays: 30 })).id);
    }
    const refused = await t
      .http()
      .post(`${API}/me/tokens`)
      .set('Cookie', alice.cookie)
      .send({ name: 'one-too-many', expiresInDays: 30 })
      .expect(409);
    expect(refused.body.message).toBe(
      'You already have 100 active tokens, the most allowed is 100 (MAX_ACTIVE_TOKENS_PER_USER); ' +
        'revoke one first',
    );
    expect(JSON.stringify(refused.body)).not.toMatch(/tgp_/);
    // Nothing was recorded for it.
    const listed = await t.http().get(`${API}/me/tokens`).set('Cookie', alice.cookie).expect(200);
    expect(listed.body).toHaveLength(100);
    expect(listed.body.some((tk: { name: string }) => tk.name === 'one-too-many')).toBe(false);

    // The cap is per user: another user still creates.
    const bob = await createUser(t, admin, { username: 'bob', password: 'bob-password-1' });
    await createToken(t, bob.cookie);

    await t
      .http()
      .post(`${API}/me/tokens/${created[0]}/revoke`)
      .set('Cookie', alice.cookie)
      .expect(200);
    await createToken(t, alice.cookie, { name: 'after-revoke', expiresInDays: 30 });
    await t
      .http()
      .post(`${API}/me/tokens`)
      .set('Cookie', alice.cookie)
      .send({ name: 'again-too-many', expiresInDays: 30 })
      .expect(409);
  }, 60_000);

  it('lets only as many concurrent creations through as there is room for', async () => {
    t = await startTestApp({ env: { MAX_ACTIVE_TOKENS_PER_USER: '5' } });
    const admin = await signIn(t);
    const carol = await createUser(t, admin, { username: 'carol', password: 'carol-password' });
    await createToken(t, carol.cookie, { name: 'first', expiresInDays: 30 });
    await createToken(t, carol.cookie, { name: 'second', expiresInDays: 30 });
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t
          .http()
          .post(`${API}/me/tokens`)
          .set('Cookie', carol.cookie)
          .send({ name: `race-${i}`, expiresInDays: 30 }),
      ),
    );
    const statuses = attempts.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 201, 409, 409, 409, 409, 409]);
    const listed = await t.http().get(`${API}/me/tokens`).set('Cookie', carol.cookie).expect(200);
    expect(listed.body).toHaveLength(5);
  });

  it('counts tokens as listings show them: expired ones and ones past a lowered policy cap are not active', async () => {
    t = await startTestApp({ env: { MAX_ACTIVE_TOKENS_PER_USER: '3' } });
    let admin = await signIn(t);
    const dave = await createUser(t, admin, { username: 'dave', password: 'dave-password-1' });
    await createToken(t, dave.cookie, { name: 'short', expiresInDays: 1 });
    await createToken(t, dave.cookie, { name: 'long-1', expiresInDays: 300 });
    await createToken(t, dave.cookie, { name: 'long-2', expiresInDays: 300 });
    const full = () =>
      t
        .http()
        .post(`${API}/me/tokens`)
        .set('Cookie', dave.cookie)
        .send({ name: 'next', expiresInDays: 5 });
    expect((await full()).status).toBe(409);

    // The one-day token expires: room for one.
    t.clock.advance(DAY_MS);
    dave.cookie = await signIn(t, 'dave', 'dave-password-1');
    expect((await full()).status).toBe(201);
    expect((await full()).status).toBe(409);

    // Thirty days on, a 30-day policy caps the two long tokens (created 31 days before): expired
    // in the listing, and not counted.
    t.clock.advance(30 * DAY_MS);
    admin = await signIn(t);
    await t
      .http()
      .put(`${API}/admin/token-policy`)
      .set('Cookie', admin)
      .send({ maxLifetimeDays: 30 })
      .expect(200);
    dave.cookie = await signIn(t, 'dave', 'dave-password-1');
    const listed = await t.http().get(`${API}/me/tokens`).set('Cookie', dave.cookie).expect(200);
    const active = (listed.body as Array<{ status: string }>).filter(
      (tk) => tk.status === 'Active',
    );
    expect(active).toHaveLength(0);
    for (let i = 0; i < 3; i++) expect((await full()).status).toBe(201);
    expect((await full()).status).toBe(409);
  });
});

describe('Paged lists (limit, cursor, Link rel="next")', () => {
  let t: TestApp;
  let admin: string;
  let alice: { id: string; cookie: string };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signIn(t);
    alice = await createUser(t, admin, { username: 'alice', password: 'alice-password-1' });
    for (const name of ['dora', 'Bert', 'erik', 'carl', 'fay']) {
      await createUser(t, admin, { username: name, password: `${name}-password-1` });
    }
    // Seven tokens: three at one instant (the clock stands still), so ties are broken by id.
    for (let i = 0; i < 7; i++) {
      if (i >= 3) t.clock.advance(60_000);
      await createToken(t, alice.cookie, { name: `tok-${i}`, expiresInDays: 30 });
    }
    admin = await signIn(t);
    alice.cookie = await signIn(t, 'alice', 'alice-password-1');
  });
  afterAll(async () => {
    await t.dispose();
  });

  it('/me/tokens?limit=2 returns 2 tokens and a Link to the next 2, to the end, newest first', async () => {
    const whole = await t.http().get(`${API}/me/tokens`).set('Cookie', alice.cookie).expect(200);
    expect(whole.headers.link).toBeUndefined();
    expect(whole.body).toHaveLength(7);
    const { pages, links } = await walk(t, alice.cookie, '/me/tokens', 2, ids, ids(whole.body));
    expect(pages.map((page) => page.length)).toEqual([2, 2, 2, 1]);
    for (const link of links) expect(link).toMatch(/^\/api\/v1\/me\/tokens\?limit=2&cursor=/);
    const created = (whole.body as Array<{ createdAt: string }>).map((tk) => tk.createdAt);
    expect([...created].sort().reverse()).toEqual(created);
    // A page exactly as long as the rest has no next.
    const exact = await t
      .http()
      .get(`${API}/me/tokens?limit=7`)
      .set('Cookie', alice.cookie)
      .expect(200);
    expect(exact.body).toHaveLength(7);
    expect(exact.headers.link).toBeUndefined();
  });

  it('works the same with a bearer token', async () => {
    const { token } = await createToken(t, alice.cookie, { name: 'reader', expiresInDays: 30 });
    const first = await t.http().get(`${API}/me/tokens?limit=3`).set(bearer(token)).expect(200);
    expect(first.body).toHaveLength(3);
    const next = nextOf(first);
    expect(next).not.toBeNull();
    const second = await t.http().get(next!).set(bearer(token)).expect(200);
    expect(second.body).toHaveLength(3);
    expect(ids(second.body).some((id) => ids(first.body).includes(id))).toBe(false);
  });

  it('pages /admin/users in username order and /admin/users/:id/tokens newest first', async () => {
    const users = await t.http().get(`${API}/admin/users`).set('Cookie', admin).expect(200);
    const names = (users.body as Array<{ username: string }>).map((u) => u.username);
    expect(names).toEqual(['admin', 'alice', 'Bert', 'carl', 'dora', 'erik', 'fay']);
    await walk(t, admin, '/admin/users', 2, ids, ids(users.body));
    await walk(t, admin, '/admin/users', 1, ids, ids(users.body));

    const tokens = await t
      .http()
      .get(`${API}/admin/users/${alice.id}/tokens`)
      .set('Cookie', admin)
      .expect(200);
    const mine = await t.http().get(`${API}/me/tokens`).set('Cookie', alice.cookie).expect(200);
    expect(ids(tokens.body)).toEqual(ids(mine.body));
    const { links } = await walk(
      t,
      admin,
      `/admin/users/${alice.id}/tokens`,
      2,
      ids,
      ids(tokens.body),
    );
    expect(links[0]).toMatch(
      new RegExp(`^/api/v1/admin/users/${alice.id}/tokens\\?limit=2&cursor=`),
    );
  });

  it('pages /audit/active-tokens, keeping `at` and `userId` in the Link', async () => {
    const at = new Date(t.clock.now().getTime()).toISOString();
    const whole = await t
      .http()
      .get(`${API}/audit/active-tokens?at=${at}`)
      .set('Cookie', admin)
      .expect(200);
    expect(whole.body.at).toBe(at);
    expect(activeIds(whole.body).length).toBeGreaterThanOrEqual(8);
    const created = (whole.body.tokens as Array<{ createdAt: string }>).map((tk) => tk.createdAt);
    expect([...created].sort()).toEqual(created);
    const { links } = await walk(
      t,
      admin,
      `/audit/active-tokens?at=${at}`,
      3,
      activeIds,
      activeIds(whole.body),
    );
    for (const link of links) {
      const url = new URL(link, 'http://x');
      expect(url.searchParams.get('at')).toBe(at);
      expect(url.searchParams.get('limit')).toBe('3');
    }
    const ofAlice = await t
      .http()
      .get(`${API}/audit/active-tokens?at=${at}&userId=${alice.id}`)
      .set('Cookie', admin)
      .expect(200);
    const walked = await walk(
      t,
      admin,
      `/audit/active-tokens?at=${at}&userId=${alice.id}`,
      2,
      activeIds,
      activeIds(ofAlice.body),
    );
    expect(new URL(walked.links[0], 'http://x').searchParams.get('userId')).toBe(alice.id);
  });

  it('refuses a bad limit or cursor with a 400 naming the parameter, on every paged list', async () => {
    const at = '2026-03-01T12:00:00Z';
    const lists = [
      { path: '/me/tokens', cookie: () => alice.cookie },
      { path: '/admin/users', cookie: () => admin },
      { path: `/admin/users/${alice.id}/tokens`, cookie: () => admin },
      { path: `/audit/active-tokens?at=${at}`, cookie: () => admin },
    ];
    const cases: Array<[string, string]> = [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=2.5', 'limit'],
      ['limit=', 'limit'],
      ['limit=1&limit=2', 'limit'],
      ['cursor=%21%21', 'cursor'],
      ['cursor=bm90LWpzb24', 'cursor'],
      [`cursor=${Buffer.from('["one"]').toString('base64url')}`, 'cursor'],
      ['cursor=a&cursor=b', 'cursor'],
    ];
    for (const list of lists) {
      for (const [query, field] of cases) {
        const url = `${API}${list.path}${list.path.includes('?') ? '&' : '?'}${query}`;
        const response = await t.http().get(url).set('Cookie', list.cookie());
        expect({ url, status: response.status }).toEqual({ url, status: 400 });
        expect(response.body.message).toContain(field);
        expect(response.body.errors?.[0]?.field).toBe(field);
      }
    }
  });
});
