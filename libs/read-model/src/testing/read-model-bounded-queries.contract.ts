import { randomUUID } from 'node:crypto';
import type { TokenRecord, UserRecord } from '../read-model.port';
import {
  ReadModelSuite,
  tokenChange,
  tokenCreated,
  userCreated,
} from './read-model-contract-fixtures';

/** Paged and counting queries (docs/design/contract.md §10, bounded resources). */
export function describeBoundedQueries(suite: ReadModelSuite): void {
  const { apply } = suite;
  const at = (day: number, hour = 0) => new Date(Date.UTC(2026, 0, day, hour)).toISOString();
  /** Every page of `fetch`, `limit` at a time, each page after the last item of the one before. */
  async function allPages<T, K>(
    limit: number,
    fetch: (page: { limit: number; after: K | null }) => Promise<T[]>,
    keyOf: (item: T) => K,
  ): Promise<T[][]> {
    const pages: T[][] = [];
    let after: K | null = null;
    for (;;) {
      const page = await fetch({ limit, after });
      if (page.length > 0) pages.push(page);
      if (page.length < limit) return pages;
      after = keyOf(page[page.length - 1]);
    }
  }
  const tokenKey = (t: TokenRecord) => ({ createdAt: t.createdAt, tokenId: t.tokenId });

  describe('bounded queries', () => {
    it('pages a user’s tokens newest first, ties by id, without gaps or repeats', async () => {
      const readModel = suite.readModel();
      // Three share an instant, so the id must break the tie the same way in every adapter.
      const tokens = [1, 2, 2, 2, 3, 4, 5].map((day, i) =>
        tokenCreated({ userId: 'pager', createdAt: at(day), tokenId: `t-${i}-${randomUUID()}` }),
      );
      await apply([...tokens, tokenCreated({ userId: 'other', createdAt: at(3) })]);
      const whole = await readModel.listTokensByUser('pager');
      const pages = await allPages(
        2,
        (page) => readModel.listTokensOfUserPage('pager', page),
        tokenKey,
      );
      expect(pages.map((page) => page.length)).toEqual([2, 2, 2, 1]);
      expect(pages.flat().map((t) => t.tokenId)).toEqual(whole.map((t) => t.tokenId));
      const ids = pages.flat().map((t) => t.tokenId);
      const newestFirst = [...tokens]
        .sort((a, b) =>
          a.set.createdAt === b.set.createdAt
            ? a.id < b.id
              ? 1
              : -1
            : a.set.createdAt! < b.set.createdAt!
              ? 1
              : -1,
        )
        .map((t) => t.id);
      expect(ids).toEqual(newestFirst);
      expect(await readModel.listTokensOfUserPage('nobody', { limit: 5, after: null })).toEqual([]);
    });

    it('pages users in username order, leaving deleted users out', async () => {
      const readModel = suite.readModel();
      const names = ['dave', 'Alice', 'carol', 'bob', 'erin'];
      const users = names.map((username) => userCreated({ username }));
      await apply(users);
      await apply([
        {
          collection: 'users',
          id: users[2].id,
          revision: 1,
          set: { deletedAt: at(2) },
        },
      ]);
      const pages = await allPages(
        2,
        (page) => readModel.listUsersPage(page),
        (u: UserRecord) => ({ usernameKey: u.usernameKey, userId: u.userId }),
      );
      expect(pages.flat().map((u) => u.username)).toEqual(['Alice', 'bob', 'dave', 'erin']);
      expect(pages.flat()).toEqual(await readModel.listUsers());
    });

    it('counts a user’s active tokens: not revoked, not expired, not past the policy cap', async () => {
      const readModel = suite.readModel();
      const now = at(20);
      const live = tokenCreated({ userId: 'counted', createdAt: at(10), expiresAt: at(40) });
      const revoked = tokenCreated({ userId: 'counted', createdAt: at(10), expiresAt: at(40) });
      const expired = tokenCreated({ userId: 'counted', createdAt: at(1), expiresAt: at(19) });
      // Requested to last until day 40, but a 5-day policy ended it on day 15.
      const capped = tokenCreated({ userId: 'counted', createdAt: at(10), expiresAt: at(40) });
      const recent = tokenCreated({ userId: 'counted', createdAt: at(18), expiresAt: at(40) });
      await apply([live, revoked, expired, capped, recent, tokenCreated({ userId: 'else' })]);
      await apply([tokenChange(revoked.id, 1, { revokedAt: at(11), revokedReason: 'user' })]);
      expect(
        await readModel.countActiveTokensOfUser('counted', { at: now, maxLifetimeDays: 365 }),
      ).toBe(3);
      // Under a 5-day policy only the token created on day 18 is still within its lifetime.
      expect(
        await readModel.countActiveTokensOfUser('counted', { at: now, maxLifetimeDays: 5 }),
      ).toBe(1);
      expect(
        await readModel.countActiveTokensOfUser('nobody', { at: now, maxLifetimeDays: 365 }),
      ).toBe(0);
    });

    it('lists the tokens active at an instant, oldest first, paged, of all or of one user', async () => {
      const readModel = suite.readModel();
      const alice = userCreated({ username: 'alice-at' });
      const bob = userCreated({ username: 'bob-at' });
      await apply([alice, bob]);
      const a1 = tokenCreated({ userId: alice.id, createdAt: at(1), expiresAt: at(30) });
      const a2 = tokenCreated({ userId: alice.id, createdAt: at(2), expiresAt: at(30) });
      const a3 = tokenCreated({ userId: alice.id, createdAt: at(3), expiresAt: at(30) });
      const b1 = tokenCreated({ userId: bob.id, createdAt: at(2), expiresAt: at(30) });
      const late = tokenCreated({ userId: alice.id, createdAt: at(12), expiresAt: at(30) });
      const gone = tokenCreated({ userId: alice.id, createdAt: at(1), expiresAt: at(9) });
      await apply([a1, a2, a3, b1, late, gone]);
      // a2 revoked on day 5; bob deleted on day 8 (his token is revoked only later, day 9).
      await apply([
        tokenChange(a2.id, 1, { revokedAt: at(5), revokedReason: 'user' }),
        { collection: 'users', id: bob.id, revision: 1, set: { deletedAt: at(8) } },
        tokenChange(b1.id, 1, { revokedAt: at(9), revokedReason: 'user_deleted' }),
      ]);
      const ids = async (day: number, maxLifetimeDays: number, userId: string | null = null) =>
        (
          await allPages(
            1,
            (page) =>
              readModel.listTokensActiveAtPage({ at: at(day), maxLifetimeDays }, userId, page),
            tokenKey,
          )
        )
          .flat()
          .map((t) => t.tokenId);
      const sorted = (...changes: Array<{ id: string; set: Partial<TokenRecord> }>) =>
        changes
          .sort((x, y) =>
            x.set.createdAt === y.set.createdAt
              ? x.id < y.id
                ? -1
                : 1
              : x.set.createdAt! < y.set.createdAt!
                ? -1
                : 1,
          )
          .map((c) => c.id);
      expect(await ids(4, 365)).toEqual(sorted(a1, gone, a2, b1, a3));
      // Revoked on day 5: active at an instant before it, not at it.
      expect(await ids(5, 365)).toEqual(sorted(a1, gone, b1, a3));
      // Bob deleted on day 8: his token ends then, before its revocation is recorded.
      expect(await ids(8, 365)).toEqual(sorted(a1, gone, a3));
      // gone expired on day 9; late not created yet on day 10.
      expect(await ids(10, 365)).toEqual(sorted(a1, a3));
      // Under a 7-day policy a1 ended on day 8 and a3 on day 10.
      expect(await ids(9, 7)).toEqual(sorted(a3));
      expect(await ids(12, 365, alice.id)).toEqual(sorted(a1, a3, late));
      expect(await ids(4, 365, bob.id)).toEqual([b1.id]);
      const firstTwo = await readModel.listTokensActiveAtPage(
        { at: at(4), maxLifetimeDays: 365 },
        null,
        { limit: 2, after: null },
      );
      expect(firstTwo.map((t) => t.tokenId)).toEqual(sorted(a1, gone, a2, b1, a3).slice(0, 2));
    });
  });
}
