import { DeciderSpec } from '@pat/shared/testing/decider-spec';
import {
  PROJECT_ROLES,
  decideSetMember,
  evolveProject,
  initialProjectState,
  roleRank,
  widensAccess,
} from './project';

describe('role rank', () => {
  it('orders the roles admin > data_quality > analyst > business > catalog', () => {
    const byRank = [...PROJECT_ROLES].sort((a, b) => roleRank(b) - roleRank(a));
    expect(byRank).toEqual(['admin', 'data_quality', 'analyst', 'business', 'catalog']);
    expect(new Set(PROJECT_ROLES.map(roleRank)).size).toBe(PROJECT_ROLES.length);
  });

  it('counts adding a member and raising a role as widening, never keeping or lowering', () => {
    for (const next of PROJECT_ROLES) expect(widensAccess(undefined, next)).toBe(true);
    for (const current of PROJECT_ROLES) {
      for (const next of PROJECT_ROLES) {
        expect(widensAccess(current, next)).toBe(roleRank(next) > roleRank(current));
      }
    }
    expect(widensAccess('catalog', 'admin')).toBe(true);
    expect(widensAccess('analyst', 'data_quality')).toBe(true);
    expect(widensAccess('admin', 'catalog')).toBe(false);
    expect(widensAccess('business', 'business')).toBe(false);
  });
});

describe('setting a member when only narrowing is allowed (a token)', () => {
  const project = DeciderSpec.for({
    decide: decideSetMember,
    evolve: evolveProject,
    initialState: initialProjectState,
  }).given([
    { type: 'ProjectCreated', data: { projectId: 'p', name: 'Demo' } },
    { type: 'MemberAdded', data: { projectId: 'p', userId: 'boss', role: 'admin' } },
    { type: 'MemberAdded', data: { projectId: 'p', userId: 'ana', role: 'analyst' } },
  ]);
  const namingTokens = { kind: 'forbidden', message: expect.stringMatching(/token/i) } as const;

  it('lowers a role, and keeps the same role without an event', () => {
    project
      .when({ userId: 'ana', role: 'catalog', onlyNarrow: true })
      .then([
        { type: 'MemberRoleChanged', data: { projectId: 'p', userId: 'ana', role: 'catalog' } },
      ]);
    project.when({ userId: 'ana', role: 'analyst', onlyNarrow: true }).thenNothing();
  });

  it('refuses adding a member or raising a role, naming why', () => {
    project.when({ userId: 'new', role: 'catalog', onlyNarrow: true }).thenThrows(namingTokens);
    project
      .when({ userId: 'ana', role: 'data_quality', onlyNarrow: true })
      .thenThrows(namingTokens);
  });

  it('lets a session add and raise', () => {
    project.when({ userId: 'new', role: 'admin' }).thenMatches([{ type: 'MemberAdded' }]);
    project
      .when({ userId: 'ana', role: 'admin', onlyNarrow: false })
      .thenMatches([{ type: 'MemberRoleChanged' }]);
  });
});
