import { DeciderSpec } from '@pat/shared/testing/decider-spec';
import {
  MemberAdded,
  ProjectCreated,
  ProjectNameReleased,
  ProjectNameReserved,
  ProjectNameState,
  ProjectRole,
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

/** Every project decision takes a context-free command, each its own: closures below. */
const projectSpec = DeciderSpec.for({ evolve: evolveProject, initialState: initialProjectState });
const creating = (name: string) => (state: ProjectState) =>
  decideCreateProject(state, { projectId: 'p', name });
const renaming = (name: string) => (state: ProjectState) => decideRenameProject(state, { name });
const setting =
  (userId: string, role: ProjectRole, guard: { protectLastAdmin?: boolean } = {}) =>
  (state: ProjectState) =>
    decideSetMember(state, { userId, role, ...guard });
const removing =
  (userId: string, guard: { protectLastAdmin?: boolean } = {}) =>
  (state: ProjectState) =>
    decideRemoveMember(state, { userId, ...guard });
const added = (userId: string, role: ProjectRole): MemberAdded => ({
  type: 'MemberAdded',
  data: { projectId: 'p', userId, role },
});

describe('project decisions', () => {
  const created: ProjectCreated = {
    type: 'ProjectCreated',
    data: { projectId: 'p', name: 'Demo' },
  };

  it('creates with a trimmed name of 1–30 characters', () => {
    const { state } = projectSpec.when(creating(' Demo ')).then([created]);
    expect(state).toMatchObject({ exists: true, name: 'Demo' });
    projectSpec.when(creating(' ')).thenThrows('invalid');
    projectSpec.when(creating('x'.repeat(31))).thenThrows('invalid');
    projectSpec.given([created]).when(creating('Again')).thenThrows('conflict');
  });

  it('renames, and records nothing for the same name', () => {
    projectSpec.given([created]).when(renaming('Demo')).thenNothing();
    projectSpec
      .given([created])
      .when(renaming('New'))
      .thenMatches([{ type: 'ProjectRenamed', data: { name: 'New' } }]);
    projectSpec.when(renaming('x')).thenThrows('not_found');
  });

  it('adds a member, changes the role, ignores the same role, removes', () => {
    const adding = projectSpec
      .given([created])
      .when(setting('u', 'analyst'))
      .thenMatches([{ type: 'MemberAdded' }]);
    const withMember = projectSpec.given([created, ...adding.events]);
    withMember.when(setting('u', 'analyst')).thenNothing();
    withMember.when(setting('u', 'admin')).thenMatches([{ type: 'MemberRoleChanged' }]);
    const removed = withMember
      .when(removing('u'))
      .thenMatches([{ type: 'MemberRemoved', data: { role: 'analyst' } }]);
    expect(removed.state).toMatchObject({ members: new Map() });
    projectSpec.given([created]).when(removing('u')).thenThrows('not_found');
    projectSpec
      .given([created])
      .when(setting('u', 'owner' as never))
      .thenThrows('invalid');
  });

  it('keeps a last admin when asked to', () => {
    projectSpec
      .given([created])
      .when(setting('a', 'admin'))
      .then([added('a', 'admin')]);
    const soleAdmin = projectSpec.given([created, added('a', 'admin')]);
    const guard = { protectLastAdmin: true };
    soleAdmin.when(removing('a', guard)).thenThrows('conflict');
    soleAdmin.when(setting('a', 'catalog', guard)).thenThrows('conflict');
    soleAdmin.when(removing('a')).thenMatches([{ type: 'MemberRemoved' }]);
    projectSpec
      .given([created, added('a', 'admin'), added('b', 'admin')])
      .when(removing('a', guard))
      .thenMatches([{ type: 'MemberRemoved' }]);
  });
});

describe('project name reservations', () => {
  const nameSpec = DeciderSpec.for({
    decide: decideReserveProjectName,
    evolve: evolveProjectName,
    initialState: initialProjectNameState,
  });
  const reserving = (projectId: string) => ({ nameKey: 'demo', projectId, name: 'Demo' });
  const releasing = (projectId: string) => (state: ProjectNameState) =>
    decideReleaseProjectName(state, { nameKey: 'demo', projectId });
  const reserved = (projectId: string): ProjectNameReserved => ({
    type: 'ProjectNameReserved',
    data: { nameKey: 'demo', projectId },
  });
  const released: ProjectNameReleased = {
    type: 'ProjectNameReleased',
    data: { nameKey: 'demo', projectId: 'p' },
  };

  it('keys names ignoring case, surrounding spaces and compatibility forms', () => {
    expect(projectNameKey(' Demo ')).toBe(projectNameKey('DEMO'));
    expect(projectNameKey('ﬁnance')).toBe(projectNameKey('Finance'));
    expect(projectNameKey('Demo')).not.toBe(projectNameKey('Demo 2'));
  });

  it('gives a free name to the first project and refuses it to any other (409)', () => {
    expect(nameSpec.when(reserving('p')).then([reserved('p')]).state).toEqual({ heldBy: 'p' });
    nameSpec
      .given([reserved('p')])
      .when(reserving('q'))
      .thenThrows('conflict');
  });

  it('lets the holder claim its name again, with no new event', () => {
    nameSpec
      .given([reserved('p')])
      .when(reserving('p'))
      .thenNothing();
  });

  it('is released by its holder only, and is then free again', () => {
    nameSpec
      .given([reserved('p')])
      .when(releasing('q'))
      .thenNothing();
    const release = nameSpec
      .given([reserved('p')])
      .when(releasing('p'))
      .then([released]);
    expect(release.state).toEqual({ heldBy: null });
    nameSpec
      .given([reserved('p'), released])
      .when(reserving('q'))
      .then([reserved('q')]);
  });
});
