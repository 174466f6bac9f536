import { randomUUID } from 'node:crypto';
import { membershipId } from '../read-model.port';
import { ReadModelSuite, tokenCreated, userCreated } from './read-model-contract-fixtures';

/** The store as a whole: checkpoints, clear, durability, bulk loading, inspection, ping. */
export function describeStorage(suite: ReadModelSuite): void {
  const { apply } = suite;

  it('stores checkpoints per projection together with the changes', async () => {
    const readModel = suite.readModel();
    expect(await readModel.getCheckpoint('tokens')).toBeNull();
    await apply([tokenCreated()], { projection: 'tokens', position: '7' });
    await apply([], { projection: 'other', position: '3' });
    expect(await readModel.getCheckpoint('tokens')).toBe('7');
    await apply([], { projection: 'tokens', position: '9' });
    expect(await readModel.getCheckpoint('tokens')).toBe('9');
    expect(await readModel.getCheckpoint('other')).toBe('3');
  });

  it('clears every document and checkpoint', async () => {
    const readModel = suite.readModel();
    const projectId = randomUUID();
    await apply([
      {
        collection: 'projects',
        id: projectId,
        revision: 0,
        set: { projectId, name: 'P', createdAt: '2026-01-01T00:00:00.000Z' },
      },
      {
        collection: 'memberships',
        id: membershipId(projectId, 'u1'),
        revision: 1,
        set: { projectId, userId: 'u1', role: 'admin' },
      },
    ]);
    await apply([tokenCreated(), userCreated()], {
      projection: 'tokens',
      position: '2',
    });
    await readModel.clear();
    expect(await readModel.listTokensByUser('user-1')).toEqual([]);
    expect(await readModel.countUsers()).toBe(0);
    expect(await readModel.getCheckpoint('tokens')).toBeNull();
    expect(await readModel.listProjects()).toEqual([]);
    expect(await readModel.listMembershipsOfUser('u1')).toEqual([]);
  });

  it('keeps documents and checkpoints across close and reopen', async () => {
    let readModel = suite.readModel();
    const created = tokenCreated();
    await apply([created], { projection: 'tokens', position: '1' });
    readModel = await suite.reopen();
    expect(await readModel.findTokenById(created.id)).toEqual({ ...created.set, revision: 0 });
    expect(await readModel.getCheckpoint('tokens')).toBe('1');
  });

  it('answers every query correctly during and after a bulk load', async () => {
    let readModel = suite.readModel();
    const owner = userCreated({ username: 'Bulk-Owner' });
    const tokens = [1, 2, 3].map((day) =>
      tokenCreated({ userId: owner.id, createdAt: `2026-01-0${day}T00:00:00.000Z` }),
    );
    await readModel.setBulkLoading(true);
    await readModel.setBulkLoading(true); // twice is harmless
    await apply([owner, ...tokens], { projection: 'bulk', position: '4' });
    const check = async () => {
      expect((await readModel.findUserByUsernameKey('bulk-owner'))?.userId).toBe(owner.id);
      expect((await readModel.listTokensByUser(owner.id)).map((t) => t.tokenId)).toEqual(
        [...tokens].reverse().map((t) => t.id),
      );
      for (const token of tokens) {
        expect((await readModel.findTokenByHash(token.set.tokenHash!))?.tokenId).toBe(token.id);
      }
      expect(await readModel.getCheckpoint('bulk')).toBe('4');
    };
    await check();
    await readModel.setBulkLoading(false);
    await readModel.setBulkLoading(false);
    await check();
    readModel = await suite.reopen();
    await check();
  });

  it('lists every document of a collection, by id, as the queries return them', async () => {
    const readModel = suite.readModel();
    const a = tokenCreated({ tokenId: '00000000-0000-4000-8000-00000000000a' });
    const b = tokenCreated({ tokenId: '00000000-0000-4000-8000-00000000000b' });
    const projectId = randomUUID();
    await apply([
      b,
      a,
      {
        collection: 'projects',
        id: projectId,
        revision: 0,
        set: { projectId, name: 'Mixed Case', createdAt: '2026-01-01T00:00:00.000Z' },
      },
      { collection: 'tokenPolicy', id: 'current', revision: 0, set: { maxLifetimeDays: 9 } },
    ]);
    expect(await readModel.allDocuments('tokens')).toEqual([
      { id: a.id, doc: await readModel.findTokenById(a.id) },
      { id: b.id, doc: await readModel.findTokenById(b.id) },
    ]);
    expect(await readModel.allDocuments('projects')).toEqual([
      { id: projectId, doc: await readModel.findProjectById(projectId) },
    ]);
    expect(await readModel.allDocuments('tokenPolicy')).toEqual([
      { id: 'current', doc: { maxLifetimeDays: 9, revision: 0 } },
    ]);
    expect(await readModel.allDocuments('users')).toEqual([]);
  });

  it('answers ping while reachable', async () => {
    const readModel = suite.readModel();
    await expect(readModel.ping()).resolves.toBeUndefined();
  });
}
