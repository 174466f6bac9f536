import { QueryBus } from '@nestjs/cqrs';
import type { Response } from 'supertest';
import { ReplayActiveTokensAtQuery } from '@pat/audit';
import { EVENT_STORE, EventStore } from '@pat/event-store';
import { DAY_MS } from '@pat/shared';
import { API, TestApp, createToken, createUser, signIn, startTestApp } from '../support/test-app';

/**
 * GET /audit/active-tokens answers from the read model (and the policy's own stream) instead of
 * replaying the whole log per call. It must give the replay's answer at every instant: this
 * scripts a history — tokens created, revoked by their owner and by an admin, expired, capped by
 * a policy lowered and raised again, a user deleted — and compares the two at every instant
 * where anything changes, a millisecond either side of it, and on a grid across the whole span.
 */

interface ActiveToken {
  tokenId: string;
  createdAt: string;
  [field: string]: unknown;
}

/** Every page of the API's answer at `at`, three tokens a page, following the Link headers. */
async function apiAnswer(t: TestApp, cookie: string, at: string, userId: string | null) {
  const tokens: ActiveToken[] = [];
  let url: string | null =
    `${API}/audit/active-tokens?at=${at}&limit=3${userId ? `&userId=${userId}` : ''}`;
  while (url !== null) {
    const response: Response = await t.http().get(url).set('Cookie', cookie).expect(200);
    expect(response.body.at).toBe(at);
    tokens.push(...(response.body.tokens as ActiveToken[]));
    const link = response.headers.link as string | undefined;
    url = link ? /^<([^>]+)>; rel="next"$/.exec(link)![1] : null;
  }
  return tokens;
}

/**
 * The replay as it answered before (ReplayActiveTokensAtQuery is that code). It orders tokens
 * created at the same instant by log order, the paged answer by id (a cursor needs a total
 * order); sorted the same way, the two must be equal.
 */
async function replayAnswer(t: TestApp, at: string, userId: string | null) {
  const view = await t.app
    .get(QueryBus)
    .execute(new ReplayActiveTokensAtQuery(new Date(at), userId));
  return (view.tokens as unknown as ActiveToken[]).sort((a, b) =>
    a.createdAt === b.createdAt
      ? a.tokenId.localeCompare(b.tokenId)
      : a.createdAt.localeCompare(b.createdAt),
  );
}

describe('Active tokens at an instant: the read model gives the replay’s answer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.dispose();
  });

  it('agrees with the replay of a scripted history at every instant that matters', async () => {
    const start = t.clock.now().getTime();
    const admin = () => signIn(t);
    const as = (username: string) => signIn(t, username, `${username}-password-1`);
    const setPolicy = async (maxLifetimeDays: number) =>
      t
        .http()
        .put(`${API}/admin/token-policy`)
        .set('Cookie', await admin())
        .send({ maxLifetimeDays })
        .expect(200);

    const cookie = await admin();
    const alice = await createUser(t, cookie, { username: 'alice', password: 'alice-password-1' });
    await createUser(t, cookie, { username: 'bob', password: 'bob-password-1' });
    const carol = await createUser(t, cookie, { username: 'carol', password: 'carol-password-1' });

    // Day 0: three of alice's at one instant (a tie), one with an expiry at an odd instant.
    const a1 = await createToken(t, alice.cookie, { name: 'a1', expiresInDays: 30 });
    await createToken(t, alice.cookie, { name: 'a2', expiresInDays: 365 });
    await createToken(t, alice.cookie, {
      name: 'a3',
      expiresAt: new Date(start + 3.5 * DAY_MS + 1234).toISOString(),
    });
    await createToken(t, await as('bob'), { name: 'b1', expiresInDays: 7 });

    t.clock.advance(DAY_MS);
    await t
      .http()
      .post(`${API}/me/tokens/${a1.id}/revoke`)
      .set('Cookie', await as('alice'))
      .expect(200);
    const b2 = await createToken(t, await as('bob'), { name: 'b2', expiresInDays: 90 });

    // Lowered: a2 (365 days) is capped to 30.
    t.clock.advance(DAY_MS);
    await setPolicy(30);

    t.clock.advance(2 * 60 * 60 * 1000);
    await createToken(t, await as('carol'), { name: 'c1', expiresInDays: 20 });
    await createToken(t, await as('carol'), { name: 'c2', expiresInDays: 30 });

    // Lowered again: nearly everything is capped to 5 days, much of it past that already.
    t.clock.advance(2 * DAY_MS);
    await setPolicy(5);

    t.clock.advance(DAY_MS);
    await createToken(t, await as('alice'), { name: 'a4', expiresInDays: 5 });
    await t
      .http()
      .post(`${API}/admin/tokens/${b2.id}/revoke`)
      .set('Cookie', await admin())
      .expect((res) => expect(res.status).toBeLessThan(300));

    // Raised: the caps lift again for tokens still within their own expiry.
    t.clock.advance(3 * DAY_MS);
    await setPolicy(90);

    // Carol is deleted: her tokens end with her.
    t.clock.advance(DAY_MS);
    await t
      .http()
      .delete(`${API}/admin/users/${carol.id}`)
      .set('Cookie', await admin())
      .expect((res) => expect(res.status).toBeLessThan(300));

    t.clock.advance(10 * DAY_MS);
    await createToken(t, await as('bob'), { name: 'b3', expiresInDays: 60 });
    await setPolicy(365);
    t.clock.advance(40 * DAY_MS);
    await setPolicy(7);
    const end = t.clock.now().getTime();

    // Every instant something happened or could end, a millisecond either side, and a grid.
    const events = await t.app.get<EventStore>(EVENT_STORE).readAll({ maxCount: 100_000 });
    const moments = new Set<number>();
    const policies = [365, 30, 5, 90, 7];
    for (const event of events) {
      moments.add(Date.parse(event.metadata.occurredAt));
      const data = event.data as { createdAt?: string; expiresAt?: string };
      if (event.type === 'TokenCreated' && data.createdAt && data.expiresAt) {
        moments.add(Date.parse(data.expiresAt));
        for (const days of policies) moments.add(Date.parse(data.createdAt) + days * DAY_MS);
      }
    }
    const instants = new Set<number>();
    for (const moment of moments) for (const delta of [-1, 0, 1]) instants.add(moment + delta);
    for (let at = start - DAY_MS; at <= end + 400 * DAY_MS; at += 12 * 60 * 60 * 1000) {
      instants.add(at);
    }

    const auditor = await admin();
    let compared = 0;
    let nonEmpty = 0;
    const sizes = new Set<number>();
    for (const ms of [...instants].sort((a, b) => a - b)) {
      const at = new Date(ms).toISOString();
      for (const userId of [null, alice.id, carol.id]) {
        const expected = await replayAnswer(t, at, userId);
        const actual = await apiAnswer(t, auditor, at, userId);
        expect({ at, userId, tokens: actual }).toEqual({ at, userId, tokens: expected });
        compared += 1;
        if (expected.length > 0) nonEmpty += 1;
        sizes.add(expected.length);
      }
    }
    // The script reached the cases it is meant to: many instants, answers of many sizes, some
    // capped by the policy.
    expect(compared).toBeGreaterThan(300);
    expect(nonEmpty).toBeGreaterThan(100);
    expect(sizes.size).toBeGreaterThan(5);
    const capped = await replayAnswer(t, new Date(start + 2 * DAY_MS + 1).toISOString(), null);
    expect(capped.some((token) => token.cappedByPolicy === true)).toBe(true);
  }, 180_000);
});
