import { SqliteDocumentStore } from '@pat/documents';
import { recordedEvent } from '@pat/event-store/testing/recorded-event';
import { TOKEN_SUMMARIES, tokenCountsReadModel } from './token-counts.read-model';

const created = (tokenId: string, userId: string, revision = 0) =>
  recordedEvent({
    streamName: `token-${tokenId}`,
    revision,
    type: 'TokenCreated',
    data: {
      tokenId,
      userId,
      name: tokenId,
      tokenHash: 'a'.repeat(64),
      tokenHint: 'tgp_…abcd',
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-02-01T00:00:00.000Z',
    },
  });
const revoked = (tokenId: string, userId: string, revision: number) =>
  recordedEvent({
    streamName: `token-${tokenId}`,
    revision,
    type: 'TokenRevoked',
    data: { tokenId, userId, revokedAt: '2026-01-02T00:00:00.000Z', reason: 'user' },
  });

describe('token-counts read model', () => {
  it('keeps one summary per token: its owner, when it was created, whether it was revoked', () => {
    expect(tokenCountsReadModel.project(created('t1', 'u1'))).toEqual([
      {
        collection: TOKEN_SUMMARIES,
        id: 't1',
        revision: 0,
        set: { userId: 'u1', createdAt: '2026-01-01T00:00:00.000Z', revoked: false },
      },
    ]);
    expect(tokenCountsReadModel.project(revoked('t1', 'u1', 3))).toEqual([
      { collection: TOKEN_SUMMARIES, id: 't1', revision: 3, set: { revoked: true } },
    ]);
  });

  it('ignores usage, the policy and other streams', () => {
    const used = recordedEvent({
      streamName: 'token_usage-t1',
      revision: 0,
      type: 'TokenUsed',
      data: {
        tokenId: 't1',
        userId: 'u1',
        usedAt: '2026-01-01T00:00:00.000Z',
        ip: null,
        userAgent: null,
      },
    });
    const policy = recordedEvent({
      streamName: 'token-policy',
      revision: 0,
      type: 'TokenPolicyChanged',
      data: { maxLifetimeDays: 30 },
    });
    const legacyUse = recordedEvent({ ...used, streamName: 'token-t1', revision: 1 });
    for (const event of [used, policy, legacyUse]) {
      expect(tokenCountsReadModel.project(event)).toEqual([]);
    }
  });

  it('counts per user through the real document store, once however often an event comes', async () => {
    const store = new SqliteDocumentStore(':memory:');
    try {
      await store.declare(tokenCountsReadModel.collections);
      const events = [
        created('t1', 'u1'),
        created('t2', 'u1'),
        created('t3', 'u2'),
        revoked('t2', 'u1', 1),
      ];
      const apply = (batch: typeof events, position: string) =>
        store.apply(
          batch.flatMap((event) => tokenCountsReadModel.project(event)),
          { name: tokenCountsReadModel.name, position },
        );
      await apply(events, '4');
      // Delivered again (at least once): nothing changes.
      await apply([events[3], events[0]], '4');
      const count = (where: Record<string, string | boolean>) =>
        store.count(TOKEN_SUMMARIES, where);
      expect(await count({ userId: 'u1' })).toBe(2);
      expect(await count({ userId: 'u1', revoked: true })).toBe(1);
      expect(await count({ userId: 'u2', revoked: false })).toBe(1);
      expect(await count({ userId: 'u3' })).toBe(0);
    } finally {
      await store.close();
    }
  });
});
