import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteReadModel } from '@pat/read-model';

/**
 * The paged and counting queries filter on two token columns that files made before them lack:
 * opening such a file adds the columns and fills them from the documents, so the answers are
 * right without a rebuild.
 */
describe('Embedded read model made before the bounded queries', () => {
  it('gains expires_at and revoked_at on open, filled from the documents', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pat-rm-columns-'));
    const filename = join(dir, 'read-model.sqlite');
    try {
      const first = new SqliteReadModel({ filename });
      const token = (tokenId: string, expiresAt: string) => ({
        streamName: `token-${tokenId}`,
        revision: 0,
        changes: [
          {
            collection: 'tokens' as const,
            id: tokenId,
            revision: 0,
            set: {
              tokenId,
              userId: 'u1',
              name: tokenId,
              tokenHash: tokenId.padEnd(64, '0'),
              tokenHint: 'tgp_…abcd',
              createdAt: '2026-01-01T00:00:00.000Z',
              expiresAt,
              revokedAt: null,
              revokedReason: null,
              lastUsedAt: null,
              lastUsedIp: null,
              lastUsedUserAgent: null,
            },
          },
        ],
      });
      await first.applyEvents([
        token('a', '2026-03-01T00:00:00.000Z'),
        token('b', '2026-03-01T00:00:00.000Z'),
        token('c', '2026-01-10T00:00:00.000Z'),
      ]);
      await first.applyEvents([
        {
          streamName: 'token-b',
          revision: 1,
          changes: [
            {
              collection: 'tokens',
              id: 'b',
              revision: 1,
              set: { revokedAt: '2026-01-02T00:00:00.000Z', revokedReason: 'user' },
            },
          ],
        },
      ]);
      await first.close();

      // The file as an older version left it: without the two columns.
      const raw = new Database(filename);
      raw.exec(
        'ALTER TABLE tokens DROP COLUMN expires_at; ALTER TABLE tokens DROP COLUMN revoked_at',
      );
      raw.close();

      const reopened = new SqliteReadModel({ filename });
      try {
        const active = { at: '2026-01-20T00:00:00.000Z', maxLifetimeDays: 365 };
        expect(await reopened.countActiveTokensOfUser('u1', active)).toBe(1);
        const listed = await reopened.listTokensActiveAtPage(
          { at: '2026-01-05T00:00:00.000Z', maxLifetimeDays: 365 },
          null,
          { limit: 10, after: null },
        );
        expect(listed.map((t) => t.tokenId)).toEqual(['a', 'c']);
      } finally {
        await reopened.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
