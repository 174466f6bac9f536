import { DomainError } from '@pat/shared/errors';
import {
  ProjectEvent,
  ProjectState,
  decideCreateProject,
  decideReleaseProjectName,
  decideRemoveMember,
  decideReserveProjectName,
  evolveProjectName,
  initialProjectNameState,
  projectNameKey,
  decideRenameProject,
  decideSetMember,
  evolveProject,
  initialProjectState,
} from './project';

const fold = (events: ProjectEvent[], from: ProjectState = initialProjectState) =>
  events.reduce(evolveProject, from);
const kindOf = (fn: () => unknown) => {
  try {
    fn();
    return 'none';
  } catch (error) {
    return error instanceof DomainError ? error.kind : 'other';
  }
};

describe('project decisions', () => {
  const created = fold(
    decideCreateProject(initialProjectState, { projectId: 'p', name: ' Demo ' }),
  );

  it('creates with a trimmed name of 1–30 characters', () => {
    expect(created).toMatchObject({ exists: true, name: 'Demo' });
    expect(
      kindOf(() => decideCreateProject(initialProjectState, { projectId: 'p', name: ' ' })),
    ).toBe('invalid');
    expect(
      kindOf(() =>
        decideCreateProject(initialProjectState, { projectId: 'p', name: 'x'.repeat(31) }),
      ),
    ).toBe('invalid');
    expect(kindOf(() => decideCreateProject(created, { projectId: 'p', name: 'Again' }))).toBe(
      'conflict',
    );
  });

  it('renames, and records nothing for the same name', () => {
    expect(decideRenameProject(created, { name: 'Demo' })).toEqual([]);
    expect(decideRenameProject(created, { name: 'New' })[0]).toMatchObject({
      type: 'ProjectRenamed',
      data: { name: 'New' },
    });
    expect(kindOf(() => decideRenameProject(initialProjectState, { name: 'x' }))).toBe('not_found');
  });

  it('adds a member, changes the role, ignores the same role, removes', () => {
    const added = decideSetMember(created, { userId: 'u', role: 'analyst' });
    expect(added[0].type).toBe('MemberAdded');
    const withMember = fold(added, created);
    expect(decideSetMember(withMember, { userId: 'u', role: 'analyst' })).toEqual([]);
    expect(decideSetMember(withMember, { userId: 'u', role: 'admin' })[0].type).toBe(
      'MemberRoleChanged',
    );
    const removed = decideRemoveMember(withMember, { userId: 'u' });
    expect(removed[0]).toMatchObject({ type: 'MemberRemoved', data: { role: 'analyst' } });
    expect(fold(removed, withMember)).toMatchObject({ members: new Map() });
    expect(kindOf(() => decideRemoveMember(created, { userId: 'u' }))).toBe('not_found');
    expect(kindOf(() => decideSetMember(created, { userId: 'u', role: 'owner' as never }))).toBe(
      'invalid',
    );
  });

  it('keeps a last admin when asked to', () => {
    const soleAdmin = fold(decideSetMember(created, { userId: 'a', role: 'admin' }), created);
    const guard = { protectLastAdmin: true };
    expect(kindOf(() => decideRemoveMember(soleAdmin, { userId: 'a', ...guard }))).toBe('conflict');
    expect(
      kindOf(() => decideSetMember(soleAdmin, { userId: 'a', role: 'catalog', ...guard })),
    ).toBe('conflict');
    expect(decideRemoveMember(soleAdmin, { userId: 'a' })).toHaveLength(1);
    const twoAdmins = fold(decideSetMember(soleAdmin, { userId: 'b', role: 'admin' }), soleAdmin);
    expect(decideRemoveMember(twoAdmins, { userId: 'a', ...guard })).toHaveLength(1);
  });
});

describe('project name reservations', () => {
  const reserve = (projectId: string, state = initialProjectNameState) =>
    decideReserveProjectName(state, { nameKey: 'demo', projectId, name: 'Demo' });
  const held = reserve('p').reduce(evolveProjectName, initialProjectNameState);

  it('keys names ignoring case, surrounding spaces and compatibility forms', () => {
    expect(projectNameKey(' Demo ')).toBe(projectNameKey('DEMO'));
    expect(projectNameKey('ﬁnance')).toBe(projectNameKey('Finance'));
    expect(projectNameKey('Demo')).not.toBe(projectNameKey('Demo 2'));
  });

  it('gives a free name to the first project and refuses it to any other (409)', () => {
    expect(held).toEqual({ heldBy: 'p' });
    expect(kindOf(() => reserve('q', held))).toBe('conflict');
  });

  it('lets the holder claim its name again, with no new event', () => {
    expect(reserve('p', held)).toEqual([]);
  });

  it('is released by its holder only, and is then free again', () => {
    expect(decideReleaseProjectName(held, { nameKey: 'demo', projectId: 'q' })).toEqual([]);
    const released = decideReleaseProjectName(held, { nameKey: 'demo', projectId: 'p' }).reduce(
      evolveProjectName,
      held,
    );
    expect(released).toEqual({ heldBy: null });
    expect(reserve('q', released)).toHaveLength(1);
  });
});
