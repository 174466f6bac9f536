import { randomUUID } from 'node:crypto';
import { membershipId } from '../read-model.port';
import { ReadModelSuite, userCreated } from './read-model-contract-fixtures';

/** Users (by id and username, deleted ones left out, password state), projects and members. */
export function describeUsersAndProjects(suite: ReadModelSuite): void {
  const { apply } = suite;

  it('finds users by id and case-folded username, and leaves deleted users out', async () => {
    const readModel = suite.readModel();
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
    const readModel = suite.readModel();
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
    expect((await readModel.findUserByUsernameKey(changed!.usernameKey))?.passwordVersion).toBe(1);
    expect((await readModel.findUserById(legacy.id))?.passwordVersion).toBe(1);
    // A later change that does not touch the password keeps the version.
    await apply([{ collection: 'users', id: versioned.id, revision: 2, set: { name: 'Renamed' } }]);
    expect((await readModel.findUserById(versioned.id))?.passwordVersion).toBe(1);
  });

  it('stores whether a user must change the password, a document without it meaning false', async () => {
    const readModel = suite.readModel();
    const required = userCreated({ passwordChangeRequired: true });
    const legacy = userCreated();
    await apply([required, legacy]);
    expect((await readModel.findUserById(required.id))?.passwordChangeRequired).toBe(true);
    expect(
      (await readModel.findUserByUsernameKey(required.set.usernameKey!))?.passwordChangeRequired,
    ).toBe(true);
    expect((await readModel.findUserById(legacy.id))?.passwordChangeRequired ?? false).toBe(false);
    // A change that does not touch the password keeps it; a new password clears it.
    await apply([{ collection: 'users', id: required.id, revision: 1, set: { name: 'Renamed' } }]);
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
    const readModel = suite.readModel();
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
}
