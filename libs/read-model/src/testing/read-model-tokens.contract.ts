import { randomUUID } from 'node:crypto';
import type { ReadModelChange } from '../read-model.port';
import { ReadModelSuite, tokenCreated, userCreated } from './read-model-contract-fixtures';

/** Token documents: revision-guarded changes, the lookups, the credential read, the policy. */
export function describeTokenDocuments(suite: ReadModelSuite): void {
  const { apply } = suite;

  it('creates a token document and finds it by id, by hash and by user', async () => {
    const readModel = suite.readModel();
    const created = tokenCreated();
    expect(await apply([created])).toBe(1);
    const byId = await readModel.findTokenById(created.id);
    expect(byId).toEqual({ ...created.set, revision: 0 });
    expect(await readModel.findTokenByHash(created.set.tokenHash!)).toEqual(byId);
    expect(await readModel.listTokensByUser('user-1')).toEqual([byId]);
    expect(await readModel.findTokenByHash('f'.repeat(64))).toBeNull();
    expect(await readModel.findTokenById(randomUUID())).toBeNull();
  });

  it('merges a later change into the document, keeping the other fields', async () => {
    const readModel = suite.readModel();
    const created = tokenCreated();
    await apply([created]);
    await apply([
      {
        collection: 'tokens',
        id: created.id,
        revision: 1,
        set: { revokedAt: '2026-01-02T00:00:00.000Z', revokedReason: 'user' },
      },
    ]);
    expect(await readModel.findTokenById(created.id)).toEqual({
      ...created.set,
      revokedAt: '2026-01-02T00:00:00.000Z',
      revokedReason: 'user',
      revision: 1,
    });
  });

  it('ignores a change whose revision is not newer than the document', async () => {
    const readModel = suite.readModel();
    const created = tokenCreated();
    const revoked: ReadModelChange = {
      collection: 'tokens',
      id: created.id,
      revision: 1,
      set: { revokedAt: '2026-01-02T00:00:00.000Z', revokedReason: 'user' },
    };
    await apply([created, revoked]);
    expect(await apply([created])).toBe(0);
    expect(await apply([revoked])).toBe(0);
    const stale: ReadModelChange = { ...revoked, set: { revokedReason: 'stale' } };
    expect(await apply([stale])).toBe(0);
    expect((await readModel.findTokenById(created.id))?.revokedReason).toBe('user');
  });

  it('ends in the same state whether changes arrive once, twice or interleaved', async () => {
    const readModel = suite.readModel();
    const a = tokenCreated();
    const b = tokenCreated({ createdAt: '2026-01-05T00:00:00.000Z' });
    const revokeA: ReadModelChange = {
      collection: 'tokens',
      id: a.id,
      revision: 1,
      set: { revokedAt: '2026-01-06T00:00:00.000Z', revokedReason: 'user' },
    };
    for (const change of [b, a, b, revokeA, a, revokeA, b]) {
      await apply([change]);
    }
    expect(await readModel.listTokensByUser('user-1')).toEqual([
      { ...b.set, revision: 0 },
      { ...a.set, revokedAt: '2026-01-06T00:00:00.000Z', revokedReason: 'user', revision: 1 },
    ]);
  });

  it('survives many concurrent applications of the same change', async () => {
    const readModel = suite.readModel();
    const created = tokenCreated();
    const results = await Promise.all(Array.from({ length: 20 }, () => apply([created])));
    expect(results.reduce((sum, n) => sum + n, 0)).toBe(1);
    expect(await readModel.listTokensByUser('user-1')).toHaveLength(1);
  });

  it('lists only the given user’s tokens, newest first', async () => {
    const readModel = suite.readModel();
    const old = tokenCreated({ createdAt: '2026-01-01T00:00:00.000Z' });
    const recent = tokenCreated({ createdAt: '2026-03-01T00:00:00.000Z' });
    const middle = tokenCreated({ createdAt: '2026-02-01T00:00:00.000Z' });
    const foreign = tokenCreated({ userId: 'user-2' });
    await apply([old, recent, middle, foreign]);
    const listed = await readModel.listTokensByUser('user-1');
    expect(listed.map((t) => t.tokenId)).toEqual([recent.id, middle.id, old.id]);
    expect(await readModel.listTokensByUser('nobody')).toEqual([]);
  });

  it('finds a token with its owner and the policy in one read, never older than the last change', async () => {
    const readModel = suite.readModel();
    const owner = userCreated();
    const created = tokenCreated({ userId: owner.id });
    const hash = created.set.tokenHash!;
    expect(await readModel.findTokenCredential(hash)).toBeNull();
    await apply([created]);
    // Read before the owner and the policy exist: whatever an adapter keeps must follow.
    expect(await readModel.findTokenCredential(hash)).toEqual({
      token: { ...created.set, revision: 0 },
      owner: null,
      policy: null,
    });
    await apply([
      owner,
      { collection: 'tokenPolicy', id: 'current', revision: 0, set: { maxLifetimeDays: 30 } },
    ]);
    expect(await readModel.findTokenCredential(hash)).toEqual({
      token: { ...created.set, revision: 0 },
      owner: { ...owner.set, revision: 0 },
      policy: { maxLifetimeDays: 30, revision: 0 },
    });
    await apply([
      {
        collection: 'tokens',
        id: created.id,
        revision: 1,
        set: { revokedAt: '2026-01-02T00:00:00.000Z', revokedReason: 'user' },
      },
      { collection: 'users', id: owner.id, revision: 1, set: { isAdmin: true } },
      { collection: 'tokenPolicy', id: 'current', revision: 1, set: { maxLifetimeDays: 7 } },
    ]);
    const after = await readModel.findTokenCredential(hash);
    expect(after?.token.revokedAt).toBe('2026-01-02T00:00:00.000Z');
    expect(after?.owner?.isAdmin).toBe(true);
    expect(after?.policy?.maxLifetimeDays).toBe(7);
    expect(await readModel.findTokenByHash(hash)).toEqual(after?.token);
    await readModel.clear();
    expect(await readModel.findTokenCredential(hash)).toBeNull();
    expect(await readModel.findUserById(owner.id)).toBeNull();
    expect(await readModel.getTokenPolicy()).toBeNull();
  });

  it('keeps the token policy as a single document', async () => {
    const readModel = suite.readModel();
    expect(await readModel.getTokenPolicy()).toBeNull();
    await apply([
      { collection: 'tokenPolicy', id: 'current', revision: 0, set: { maxLifetimeDays: 90 } },
    ]);
    await apply([
      { collection: 'tokenPolicy', id: 'current', revision: 1, set: { maxLifetimeDays: 30 } },
    ]);
    expect(await readModel.getTokenPolicy()).toEqual({ maxLifetimeDays: 30, revision: 1 });
  });
}
