import { randomUUID } from 'node:crypto';
import {
  ReadModel,
  ReadModelBoundToAnotherLogError,
  ReadModelChange,
  TokenRecord,
  UserRecord,
  membershipId,
} from '../read-model.port';

/**
 * The behaviour every ReadModel adapter must show. `reopen` closes the read model and opens a
 * new one on the same storage; each harness starts from an empty read model.
 */
export interface ReadModelHarness {
  readonly readModel: ReadModel;
  reopen(): Promise<ReadModel>;
  dispose(): Promise<void>;
}

const tokenCreated = (
  overrides: Partial<TokenRecord> = {},
): ReadModelChange & { collection: 'tokens' } => {
  const tokenId = overrides.tokenId ?? randomUUID();
  return {
    collection: 'tokens',
    id: tokenId,
    revision: 0,
    set: {
      tokenId,
      userId: 'user-1',
      name: 'ci-deploy',
      tokenHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
      tokenHint: 'tgp_…abcd',
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-02-01T00:00:00.000Z',
      revokedAt: null,
      revokedReason: null,
      lastUsedAt: null,
      lastUsedIp: null,
      lastUsedUserAgent: null,
      ...overrides,
    },
  };
};

const userCreated = (
  overrides: Partial<UserRecord> = {},
): ReadModelChange & { collection: 'users' } => {
  const userId = overrides.userId ?? randomUUID();
  const username = overrides.username ?? `user-${userId.slice(0, 8)}`;
  return {
    collection: 'users',
    id: userId,
    revision: 0,
    set: {
      userId,
      username,
      usernameKey: username.toLowerCase(),
      name: null,
      email: null,
      isAdmin: false,
      isAuditor: false,
      passwordHash: '$argon2id$test',
      createdAt: '2026-01-01T00:00:00.000Z',
      deletedAt: null,
      ...overrides,
    },
  };
};

export function describeReadModelContract(
  adapterName: string,
  createHarness: () => Promise<ReadModelHarness>,
): void {
  describe(`ReadModel contract: ${adapterName}`, () => {
    let harness: ReadModelHarness;
    let readModel: ReadModel;

    beforeEach(async () => {
      harness = await createHarness();
      readModel = harness.readModel;
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('creates a token document and finds it by id, by hash and by user', async () => {
      const created = tokenCreated();
      expect(await readModel.applyChanges([created])).toBe(1);
      const byId = await readModel.findTokenById(created.id);
      expect(byId).toEqual({ ...created.set, revision: 0 });
      expect(await readModel.findTokenByHash(created.set.tokenHash!)).toEqual(byId);
      expect(await readModel.listTokensByUser('user-1')).toEqual([byId]);
      expect(await readModel.findTokenByHash('f'.repeat(64))).toBeNull();
      expect(await readModel.findTokenById(randomUUID())).toBeNull();
    });

    it('merges a later change into the document, keeping the other fields', async () => {
      const created = tokenCreated();
      await readModel.applyChanges([created]);
      await readModel.applyChanges([
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
      const created = tokenCreated();
      const revoked: ReadModelChange = {
        collection: 'tokens',
        id: created.id,
        revision: 1,
        set: { revokedAt: '2026-01-02T00:00:00.000Z', revokedReason: 'user' },
      };
      await readModel.applyChanges([created, revoked]);
      expect(await readModel.applyChanges([created])).toBe(0);
      expect(await readModel.applyChanges([revoked])).toBe(0);
      const stale: ReadModelChange = { ...revoked, set: { revokedReason: 'stale' } };
      expect(await readModel.applyChanges([stale])).toBe(0);
      expect((await readModel.findTokenById(created.id))?.revokedReason).toBe('user');
    });

    it('ends in the same state whether changes arrive once, twice or interleaved', async () => {
      const a = tokenCreated();
      const b = tokenCreated({ createdAt: '2026-01-05T00:00:00.000Z' });
      const revokeA: ReadModelChange = {
        collection: 'tokens',
        id: a.id,
        revision: 1,
        set: { revokedAt: '2026-01-06T00:00:00.000Z', revokedReason: 'user' },
      };
      for (const change of [b, a, b, revokeA, a, revokeA, b]) {
        await readModel.applyChanges([change]);
      }
      expect(await readModel.listTokensByUser('user-1')).toEqual([
        { ...b.set, revision: 0 },
        { ...a.set, revokedAt: '2026-01-06T00:00:00.000Z', revokedReason: 'user', revision: 1 },
      ]);
    });

    it('survives many concurrent applications of the same change', async () => {
      const created = tokenCreated();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => readModel.applyChanges([created])),
      );
      expect(results.reduce((sum, n) => sum + n, 0)).toBe(1);
      expect(await readModel.listTokensByUser('user-1')).toHaveLength(1);
    });

    it('lists only the given user’s tokens, newest first', async () => {
      const old = tokenCreated({ createdAt: '2026-01-01T00:00:00.000Z' });
      const recent = tokenCreated({ createdAt: '2026-03-01T00:00:00.000Z' });
      const middle = tokenCreated({ createdAt: '2026-02-01T00:00:00.000Z' });
      const foreign = tokenCreated({ userId: 'user-2' });
      await readModel.applyChanges([old, recent, middle, foreign]);
      const listed = await readModel.listTokensByUser('user-1');
      expect(listed.map((t) => t.tokenId)).toEqual([recent.id, middle.id, old.id]);
      expect(await readModel.listTokensByUser('nobody')).toEqual([]);
    });

    it('finds users by id and case-folded username, and leaves deleted users out', async () => {
      const alice = userCreated({ username: 'Alice' });
      const bob = userCreated({ username: 'bob', isAdmin: true });
      await readModel.applyChanges([alice, bob]);
      expect(await readModel.countUsers()).toBe(2);
      expect((await readModel.findUserByUsernameKey('alice'))?.userId).toBe(alice.id);
      expect((await readModel.findUserById(bob.id))?.isAdmin).toBe(true);
      expect((await readModel.listUsers()).map((u) => u.username)).toEqual(['Alice', 'bob']);

      await readModel.applyChanges([
        {
          collection: 'users',
          id: alice.id,
          revision: 1,
          set: { deletedAt: '2026-02-01T00:00:00.000Z' },
        },
      ]);
      expect(await readModel.countUsers()).toBe(1);
      expect(await readModel.findUserByUsernameKey('alice')).toBeNull();
      expect((await readModel.findUserById(alice.id))?.deletedAt).toBe('2026-02-01T00:00:00.000Z');
      expect((await readModel.listUsers()).map((u) => u.username)).toEqual(['bob']);
    });

    it('keeps projects and memberships, leaving removed members out', async () => {
      const p1 = randomUUID();
      const p2 = randomUUID();
      await readModel.applyChanges([
        {
          collection: 'projects',
          id: p1,
          revision: 0,
          set: { projectId: p1, name: 'Zeta', createdAt: '2026-01-01T00:00:00.000Z' },
        },
        {
          collection: 'projects',
          id: p2,
          revision: 0,
          set: { projectId: p2, name: 'alpha', createdAt: '2026-01-01T00:00:00.000Z' },
        },
        {
          collection: 'memberships',
          id: membershipId(p1, 'u1'),
          revision: 1,
          set: { projectId: p1, userId: 'u1', role: 'analyst' },
        },
        {
          collection: 'memberships',
          id: membershipId(p1, 'u2'),
          revision: 2,
          set: { projectId: p1, userId: 'u2', role: 'admin' },
        },
        {
          collection: 'memberships',
          id: membershipId(p2, 'u1'),
          revision: 1,
          set: { projectId: p2, userId: 'u1', role: 'catalog' },
        },
      ]);
      expect((await readModel.listProjects()).map((p) => p.name)).toEqual(['alpha', 'Zeta']);
      expect(await readModel.findProjectById(p1)).toEqual({
        projectId: p1,
        name: 'Zeta',
        createdAt: '2026-01-01T00:00:00.000Z',
        revision: 0,
      });
      expect((await readModel.findMembership(p1, 'u1'))?.role).toBe('analyst');
      expect(
        (await readModel.listMembershipsOfUser('u1')).map((m) => [m.projectId, m.role]).sort(),
      ).toEqual(
        [
          [p1, 'analyst'],
          [p2, 'catalog'],
        ].sort(),
      );
      expect((await readModel.listMembersOfProject(p1)).map((m) => m.userId)).toEqual(['u1', 'u2']);

      await readModel.applyChanges([
        { collection: 'memberships', id: membershipId(p1, 'u1'), revision: 3, set: { role: null } },
        { collection: 'projects', id: p1, revision: 4, set: { name: 'Renamed' } },
      ]);
      expect(await readModel.findMembership(p1, 'u1')).toBeNull();
      expect((await readModel.listMembershipsOfUser('u1')).map((m) => m.projectId)).toEqual([p2]);
      expect((await readModel.listMembersOfProject(p1)).map((m) => m.userId)).toEqual(['u2']);
      expect((await readModel.findProjectById(p1))?.name).toBe('Renamed');
      expect(await readModel.findProjectById(randomUUID())).toBeNull();
      expect(await readModel.findMembership(randomUUID(), 'u1')).toBeNull();
    });

    it('finds a token with its owner and the policy in one read, never older than the last change', async () => {
      const owner = userCreated();
      const created = tokenCreated({ userId: owner.id });
      const hash = created.set.tokenHash!;
      expect(await readModel.findTokenCredential(hash)).toBeNull();
      await readModel.applyChanges([created]);
      // Read before the owner and the policy exist: whatever an adapter keeps must follow.
      expect(await readModel.findTokenCredential(hash)).toEqual({
        token: { ...created.set, revision: 0 },
        owner: null,
        policy: null,
      });
      await readModel.applyChanges([
        owner,
        { collection: 'tokenPolicy', id: 'current', revision: 0, set: { maxLifetimeDays: 30 } },
      ]);
      expect(await readModel.findTokenCredential(hash)).toEqual({
        token: { ...created.set, revision: 0 },
        owner: { ...owner.set, revision: 0 },
        policy: { maxLifetimeDays: 30, revision: 0 },
      });
      await readModel.applyChanges([
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

    it('answers every query correctly during and after a bulk load', async () => {
      const owner = userCreated({ username: 'Bulk-Owner' });
      const tokens = [1, 2, 3].map((day) =>
        tokenCreated({ userId: owner.id, createdAt: `2026-01-0${day}T00:00:00.000Z` }),
      );
      await readModel.setBulkLoading(true);
      await readModel.setBulkLoading(true); // twice is harmless
      await readModel.applyChanges([owner, ...tokens], { projection: 'bulk', position: '4' });
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
      readModel = await harness.reopen();
      await check();
    });

    it('keeps the token policy as a single document', async () => {
      expect(await readModel.getTokenPolicy()).toBeNull();
      await readModel.applyChanges([
        { collection: 'tokenPolicy', id: 'current', revision: 0, set: { maxLifetimeDays: 90 } },
      ]);
      await readModel.applyChanges([
        { collection: 'tokenPolicy', id: 'current', revision: 1, set: { maxLifetimeDays: 30 } },
      ]);
      expect(await readModel.getTokenPolicy()).toEqual({ maxLifetimeDays: 30, revision: 1 });
    });

    it('stores checkpoints per projection together with the changes', async () => {
      expect(await readModel.getCheckpoint('tokens')).toBeNull();
      await readModel.applyChanges([tokenCreated()], { projection: 'tokens', position: '7' });
      await readModel.applyChanges([], { projection: 'other', position: '3' });
      expect(await readModel.getCheckpoint('tokens')).toBe('7');
      await readModel.applyChanges([], { projection: 'tokens', position: '9' });
      expect(await readModel.getCheckpoint('tokens')).toBe('9');
      expect(await readModel.getCheckpoint('other')).toBe('3');
    });

    it('clears every document and checkpoint', async () => {
      const projectId = randomUUID();
      await readModel.applyChanges([
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
      await readModel.applyChanges([tokenCreated(), userCreated()], {
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
      const created = tokenCreated();
      await readModel.applyChanges([created], { projection: 'tokens', position: '1' });
      readModel = await harness.reopen();
      expect(await readModel.findTokenById(created.id)).toEqual({ ...created.set, revision: 0 });
      expect(await readModel.getCheckpoint('tokens')).toBe('1');
    });

    it('lists every document of a collection, by id, as the queries return them', async () => {
      const a = tokenCreated({ tokenId: '00000000-0000-4000-8000-00000000000a' });
      const b = tokenCreated({ tokenId: '00000000-0000-4000-8000-00000000000b' });
      const projectId = randomUUID();
      await readModel.applyChanges([
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
      await expect(readModel.ping()).resolves.toBeUndefined();
    });

    it('starts unbound, binds to a log once and keeps the binding across reopen', async () => {
      expect(await readModel.readLogBinding()).toBeNull();
      expect(readModel.location).toMatch(/\S/);
      const logId = randomUUID();
      await readModel.bindToLog(logId);
      expect(await readModel.readLogBinding()).toBe(logId);
      // Binding again to the same log changes nothing.
      await readModel.bindToLog(logId);
      readModel = await harness.reopen();
      expect(await readModel.readLogBinding()).toBe(logId);
    });

    it('refuses to bind to another log, keeping the first binding', async () => {
      const logId = randomUUID();
      const other = randomUUID();
      await readModel.bindToLog(logId);
      let refusal: unknown;
      try {
        await readModel.bindToLog(other);
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(ReadModelBoundToAnotherLogError);
      expect(refusal).toMatchObject({ boundLogId: logId, requestedLogId: other });
      expect(await readModel.readLogBinding()).toBe(logId);
    });

    it('lets exactly one of concurrent bindings to different logs win', async () => {
      const ids = Array.from({ length: 4 }, () => randomUUID());
      const attempts = await Promise.allSettled(ids.map((id) => readModel.bindToLog(id)));
      const won = attempts.filter((a) => a.status === 'fulfilled');
      expect(won).toHaveLength(1);
      const bound = await readModel.readLogBinding();
      expect(ids[attempts.findIndex((a) => a.status === 'fulfilled')]).toBe(bound);
      for (const attempt of attempts) {
        if (attempt.status === 'rejected') {
          expect(attempt.reason).toBeInstanceOf(ReadModelBoundToAnotherLogError);
        }
      }
    });

    it('drops the binding with clear(), so a rebuild can bind to another log', async () => {
      await readModel.bindToLog(randomUUID());
      await readModel.applyChanges([tokenCreated()], { projection: 'read-model', position: '7' });
      await readModel.clear();
      expect(await readModel.readLogBinding()).toBeNull();
      const next = randomUUID();
      await readModel.bindToLog(next);
      expect(await readModel.readLogBinding()).toBe(next);
    });
  });
}
