import { randomUUID } from 'node:crypto';
import {
  ProjectedEvent,
  ProjectionCheckpoint,
  ReadModel,
  ReadModelBoundToAnotherLogError,
  ReadModelChange,
  StreamGapError,
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

/** The stream a change's document is projected from, as the real projections name them. */
const streamOf = (change: ReadModelChange): string => {
  switch (change.collection) {
    case 'memberships':
      return `project-${change.id.split(':')[0]}`;
    case 'projects':
      return `project-${change.id}`;
    case 'tokenPolicy':
      return 'token-policy';
    case 'users':
      return `user-${change.id}`;
    case 'tokens':
      return `token-${change.id}`;
    case 'tokenUsage':
      return `token_usage-${change.id}`;
  }
};

/** Each change as the one change of an event at the change's revision of its stream. */
const asEvents = (changes: readonly ReadModelChange[]): ProjectedEvent[] =>
  changes.map((change) => ({
    streamName: streamOf(change),
    revision: change.revision,
    changes: [change],
  }));

/** An event of a token's stream that changes no document (a TokenRejected, say). */
const silentEvent = (tokenId: string, revision: number): ProjectedEvent => ({
  streamName: `token-${tokenId}`,
  revision,
  changes: [],
});

const tokenChange = (
  tokenId: string,
  revision: number,
  set: ReadModelChange['set'] & Partial<TokenRecord>,
): ReadModelChange => ({ collection: 'tokens', id: tokenId, revision, set });

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
    const apply = (changes: readonly ReadModelChange[], checkpoint?: ProjectionCheckpoint) =>
      readModel.applyEvents(asEvents(changes), checkpoint);

    it('creates a token document and finds it by id, by hash and by user', async () => {
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

    it('sets the last use from the usage stream under its own guard, after the batch’s other changes', async () => {
      const created = tokenCreated();
      const use = (revision: number, at: string): ReadModelChange => ({
        collection: 'tokenUsage',
        id: created.id,
        revision,
        set: { lastUsedAt: at, lastUsedIp: '10.0.0.1', lastUsedUserAgent: `ci/${revision}` },
      });
      // A use listed before the creation in one batch still lands on the created document.
      await readModel.applyEvents([
        {
          streamName: `token_usage-${created.id}`,
          revision: 0,
          changes: [use(0, '2026-01-01T01:00:00.000Z')],
        },
        { streamName: `token-${created.id}`, revision: 0, changes: [created] },
      ]);
      expect(await readModel.findTokenById(created.id)).toMatchObject({
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
      const revoked = await readModel.findTokenById(created.id);
      expect(revoked).toMatchObject({
        lastUsedAt: '2026-01-01T02:00:00.000Z',
        revokedReason: 'user',
        revision: 1,
        usageRevision: 1,
      });
      // An older use, delivered again, is skipped.
      expect(
        await readModel.applyEvents([
          {
            streamName: `other-${randomUUID()}`,
            revision: 0,
            changes: [use(0, '2026-01-09T00:00:00.000Z')],
          },
        ]),
      ).toBe(0);
      expect(await readModel.findTokenById(created.id)).toEqual(revoked);
      expect(await readModel.findTokenByHash(created.set.tokenHash!)).toEqual(revoked);
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
      expect(await readModel.findTokenById(id)).toBeNull();
    });

    it('survives many concurrent applications of the same change', async () => {
      const created = tokenCreated();
      const results = await Promise.all(Array.from({ length: 20 }, () => apply([created])));
      expect(results.reduce((sum, n) => sum + n, 0)).toBe(1);
      expect(await readModel.listTokensByUser('user-1')).toHaveLength(1);
    });

    it('lists only the given user’s tokens, newest first', async () => {
      const old = tokenCreated({ createdAt: '2026-01-01T00:00:00.000Z' });
      const recent = tokenCreated({ createdAt: '2026-03-01T00:00:00.000Z' });
      const middle = tokenCreated({ createdAt: '2026-02-01T00:00:00.000Z' });
      const foreign = tokenCreated({ userId: 'user-2' });
      await apply([old, recent, middle, foreign]);
      const listed = await readModel.listTokensByUser('user-1');
      expect(listed.map((t) => t.tokenId)).toEqual([recent.id, middle.id, old.id]);
      expect(await readModel.listTokensByUser('nobody')).toEqual([]);
    });

    it('finds users by id and case-folded username, and leaves deleted users out', async () => {
      const alice = userCreated({ username: 'Alice' });
      const bob = userCreated({ username: 'bob', isAdmin: true });
      await apply([alice, bob]);
      expect(await readModel.countUsers()).toBe(2);
      expect((await readModel.findUserByUsernameKey('alice'))?.userId).toBe(alice.id);
      expect((await readModel.findUserById(bob.id))?.isAdmin).toBe(true);
      expect((await readModel.listUsers()).map((u) => u.username)).toEqual(['Alice', 'bob']);

      await apply([
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

    it('stores a user’s password version, and reads a document without one unchanged', async () => {
      const versioned = userCreated({ passwordVersion: 0 });
      const legacy = userCreated();
      await apply([versioned, legacy]);
      expect((await readModel.findUserById(versioned.id))?.passwordVersion).toBe(0);
      expect((await readModel.findUserById(legacy.id))?.passwordVersion ?? 0).toBe(0);

      await apply([
        {
          collection: 'users',
          id: versioned.id,
          revision: 1,
          set: { passwordHash: '$argon2id$new', passwordVersion: 1 },
        },
        { collection: 'users', id: legacy.id, revision: 1, set: { passwordVersion: 1 } },
      ]);
      const changed = await readModel.findUserById(versioned.id);
      expect(changed).toMatchObject({ passwordHash: '$argon2id$new', passwordVersion: 1 });
      expect((await readModel.findUserByUsernameKey(changed!.usernameKey))?.passwordVersion).toBe(
        1,
      );
      expect((await readModel.findUserById(legacy.id))?.passwordVersion).toBe(1);
      // A later change that does not touch the password keeps the version.
      await apply([
        { collection: 'users', id: versioned.id, revision: 2, set: { name: 'Renamed' } },
      ]);
      expect((await readModel.findUserById(versioned.id))?.passwordVersion).toBe(1);
    });

    it('stores whether a user must change the password, a document without it meaning false', async () => {
      const required = userCreated({ passwordChangeRequired: true });
      const legacy = userCreated();
      await apply([required, legacy]);
      expect((await readModel.findUserById(required.id))?.passwordChangeRequired).toBe(true);
      expect(
        (await readModel.findUserByUsernameKey(required.set.usernameKey!))?.passwordChangeRequired,
      ).toBe(true);
      expect((await readModel.findUserById(legacy.id))?.passwordChangeRequired ?? false).toBe(
        false,
      );
      // A change that does not touch the password keeps it; a new password clears it.
      await apply([
        { collection: 'users', id: required.id, revision: 1, set: { name: 'Renamed' } },
      ]);
      expect((await readModel.findUserById(required.id))?.passwordChangeRequired).toBe(true);
      await apply([
        {
          collection: 'users',
          id: required.id,
          revision: 2,
          set: { passwordHash: '$argon2id$new', passwordVersion: 2, passwordChangeRequired: false },
        },
      ]);
      expect((await readModel.findUserById(required.id))?.passwordChangeRequired).toBe(false);
      expect((await readModel.listUsers()).find((u) => u.userId === required.id)).toMatchObject({
        passwordChangeRequired: false,
      });
    });

    it('keeps projects and memberships, leaving removed members out', async () => {
      const p1 = randomUUID();
      const p2 = randomUUID();
      await apply([
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

      await apply([
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

    it('answers every query correctly during and after a bulk load', async () => {
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
      readModel = await harness.reopen();
      await check();
    });

    it('keeps the token policy as a single document', async () => {
      expect(await readModel.getTokenPolicy()).toBeNull();
      await apply([
        { collection: 'tokenPolicy', id: 'current', revision: 0, set: { maxLifetimeDays: 90 } },
      ]);
      await apply([
        { collection: 'tokenPolicy', id: 'current', revision: 1, set: { maxLifetimeDays: 30 } },
      ]);
      expect(await readModel.getTokenPolicy()).toEqual({ maxLifetimeDays: 30, revision: 1 });
    });

    it('stores checkpoints per projection together with the changes', async () => {
      expect(await readModel.getCheckpoint('tokens')).toBeNull();
      await apply([tokenCreated()], { projection: 'tokens', position: '7' });
      await apply([], { projection: 'other', position: '3' });
      expect(await readModel.getCheckpoint('tokens')).toBe('7');
      await apply([], { projection: 'tokens', position: '9' });
      expect(await readModel.getCheckpoint('tokens')).toBe('9');
      expect(await readModel.getCheckpoint('other')).toBe('3');
    });

    it('clears every document and checkpoint', async () => {
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
      const created = tokenCreated();
      await apply([created], { projection: 'tokens', position: '1' });
      readModel = await harness.reopen();
      expect(await readModel.findTokenById(created.id)).toEqual({ ...created.set, revision: 0 });
      expect(await readModel.getCheckpoint('tokens')).toBe('1');
    });

    it('lists every document of a collection, by id, as the queries return them', async () => {
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

    it('refuses an event that does not follow its stream, applying nothing of the batch', async () => {
      const first = tokenCreated();
      const other = tokenCreated();
      await apply([first]);
      const revoked = tokenChange(first.id, 2, {
        revokedAt: '2026-01-02T00:00:00.000Z',
        revokedReason: 'user',
      });
      const refusal = readModel.applyEvents([...asEvents([other]), ...asEvents([revoked])]);
      await expect(refusal).rejects.toBeInstanceOf(StreamGapError);
      await expect(refusal).rejects.toMatchObject({
        gaps: [{ streamName: `token-${first.id}`, applied: 0, arrived: 2 }],
      });
      // Nothing of the refused batch took effect, not even the other stream's event.
      expect(await readModel.findTokenById(other.id)).toBeNull();
      expect((await readModel.findTokenById(first.id))?.revokedAt).toBeNull();
      // With the missing event first, the same batch applies.
      await readModel.applyEvents([silentEvent(first.id, 1), ...asEvents([other, revoked])]);
      expect((await readModel.findTokenById(first.id))?.revokedAt).toBe('2026-01-02T00:00:00.000Z');
      expect(await readModel.findTokenById(other.id)).not.toBeNull();
    });

    it('never lets a later event of a stream hide an earlier one that arrives after it', async () => {
      // The defect this guards against: a usage event (revision 2) applied before the
      // revocation (revision 1) made the revocation look old, and it was dropped for good.
      const created = tokenCreated();
      const revoked = tokenChange(created.id, 1, {
        revokedAt: '2026-01-02T00:00:00.000Z',
        revokedReason: 'user',
      });
      const used = tokenChange(created.id, 2, { lastUsedAt: '2026-01-03T00:00:00.000Z' });
      await apply([created]);
      await expect(apply([used])).rejects.toBeInstanceOf(StreamGapError);
      await apply([revoked]);
      await apply([used]);
      await apply([revoked]); // late duplicate
      expect(await readModel.findTokenById(created.id)).toEqual({
        ...created.set,
        revokedAt: '2026-01-02T00:00:00.000Z',
        revokedReason: 'user',
        lastUsedAt: '2026-01-03T00:00:00.000Z',
        revision: 2,
      });
    });

    it('moves a stream on with events no document reflects, and never back', async () => {
      const created = tokenCreated();
      await readModel.applyEvents([
        ...asEvents([created]),
        silentEvent(created.id, 1),
        silentEvent(created.id, 2),
      ]);
      // A late copy of the start of the stream changes nothing and moves nothing back.
      expect(
        await readModel.applyEvents([...asEvents([created]), silentEvent(created.id, 1)]),
      ).toBe(0);
      const revoked = tokenChange(created.id, 3, {
        revokedAt: '2026-01-04T00:00:00.000Z',
        revokedReason: 'admin',
      });
      expect(await apply([revoked])).toBe(1);
      expect((await readModel.findTokenById(created.id))?.revision).toBe(3);
    });

    it('applies a batch that holds a stream from its start, whatever it already reflects', async () => {
      const created = tokenCreated();
      const revoked = tokenChange(created.id, 1, {
        revokedAt: '2026-01-02T00:00:00.000Z',
        revokedReason: 'user',
      });
      const used = tokenChange(created.id, 2, { lastUsedAt: '2026-01-03T00:00:00.000Z' });
      await apply([created, revoked]);
      // What filling a gap from the log looks like: the whole stream, then the newer event.
      await apply([created, revoked, used]);
      const token = await readModel.findTokenById(created.id);
      expect(token?.revokedAt).toBe('2026-01-02T00:00:00.000Z');
      expect(token?.lastUsedAt).toBe('2026-01-03T00:00:00.000Z');
      expect(token?.revision).toBe(2);
    });

    it('keeps stream revisions across reopen and forgets them on clear', async () => {
      const created = tokenCreated();
      await apply([created]);
      readModel = await harness.reopen();
      const skipped = tokenChange(created.id, 2, { lastUsedAt: '2026-01-03T00:00:00.000Z' });
      await expect(apply([skipped])).rejects.toBeInstanceOf(StreamGapError);
      await readModel.applyEvents([silentEvent(created.id, 1), ...asEvents([skipped])]);
      await readModel.clear();
      const next = tokenChange(created.id, 3, { lastUsedAt: '2026-01-04T00:00:00.000Z' });
      await expect(apply([next])).rejects.toBeInstanceOf(StreamGapError);
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
      await apply([tokenCreated()], { projection: 'read-model', position: '7' });
      await readModel.clear();
      expect(await readModel.readLogBinding()).toBeNull();
      const next = randomUUID();
      await readModel.bindToLog(next);
      expect(await readModel.readLogBinding()).toBe(next);
    });

    describeBoundedQueries(() => readModel, apply);
  });
}

/** Paged and counting queries (docs/design/contract.md §10, bounded resources). */
function describeBoundedQueries(
  current: () => ReadModel,
  apply: (changes: readonly ReadModelChange[]) => Promise<number>,
): void {
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
      const readModel = current();
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
      const readModel = current();
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
      const readModel = current();
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
      const readModel = current();
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
