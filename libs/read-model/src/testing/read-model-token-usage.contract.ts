import { randomUUID } from 'node:crypto';
import type { ReadModelChange } from '../read-model.port';
import { ReadModelSuite, tokenCreated } from './read-model-contract-fixtures';

/** Uses from a token's usage stream: their own guard on the token document (docs/adr/0002). */
export function describeTokenUsage(suite: ReadModelSuite): void {
  const { apply } = suite;

  it('sets the last use from the usage stream under its own guard, after the batch’s other changes', async () => {
    const created = tokenCreated();
    const use = (revision: number, at: string): ReadModelChange => ({
      collection: 'tokenUsage',
      id: created.id,
      revision,
      set: { lastUsedAt: at, lastUsedIp: '10.0.0.1', lastUsedUserAgent: `ci/${revision}` },
    });
    // A use listed before the creation in one batch still lands on the created document.
    await suite.readModel().applyEvents([
      {
        streamName: `token_usage-${created.id}`,
        revision: 0,
        changes: [use(0, '2026-01-01T01:00:00.000Z')],
      },
      { streamName: `token-${created.id}`, revision: 0, changes: [created] },
    ]);
    expect(await suite.readModel().findTokenById(created.id)).toMatchObject({
      lastUsedAt: '2026-01-01T01:00:00.000Z',
      lastUsedUserAgent: 'ci/0',
      revision: 0,
      usageRevision: 0,
    });
    await apply([use(1, '2026-01-01T02:00:00.000Z')]);
    // The decision stream's guard is untouched by uses: a revocation at revision 1 applies.
    await apply([
      {
        collection: 'tokens',
        id: created.id,
        revision: 1,
        set: { revokedAt: '2026-01-01T03:00:00.000Z', revokedReason: 'user' },
      },
    ]);
    const revoked = await suite.readModel().findTokenById(created.id);
    expect(revoked).toMatchObject({
      lastUsedAt: '2026-01-01T02:00:00.000Z',
      revokedReason: 'user',
      revision: 1,
      usageRevision: 1,
    });
    // An older use, delivered again, is skipped.
    expect(
      await suite.readModel().applyEvents([
        {
          streamName: `other-${randomUUID()}`,
          revision: 0,
          changes: [use(0, '2026-01-09T00:00:00.000Z')],
        },
      ]),
    ).toBe(0);
    expect(await suite.readModel().findTokenById(created.id)).toEqual(revoked);
    expect(await suite.readModel().findTokenByHash(created.set.tokenHash!)).toEqual(revoked);
  });

  it('leaves a use of a token it has no document of alone', async () => {
    const id = randomUUID();
    const applied = await apply([
      {
        collection: 'tokenUsage',
        id,
        revision: 0,
        set: { lastUsedAt: '2026-01-01T00:00:00.000Z' },
      },
    ]);
    expect(applied).toBe(0);
    expect(await suite.readModel().findTokenById(id)).toBeNull();
  });
}
