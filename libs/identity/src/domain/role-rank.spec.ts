import { DomainError } from '@pat/shared/errors';
import { PROJECT_ROLES, ProjectState, decideSetMember, roleRank, widensAccess } from './project';

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
  const state: ProjectState = {
    exists: true,
    projectId: 'p',
    name: 'Demo',
    members: new Map([
      ['boss', 'admin'],
      ['ana', 'analyst'],
    ]),
  };
  const refusal = (fn: () => unknown) => {
    try {
      fn();
      return null;
    } catch (error) {
      return error instanceof DomainError ? { kind: error.kind, message: error.message } : error;
    }
  };

  it('lowers a role, and keeps the same role without an event', () => {
    expect(decideSetMember(state, { userId: 'ana', role: 'catalog', onlyNarrow: true })).toEqual([
      { type: 'MemberRoleChanged', data: { projectId: 'p', userId: 'ana', role: 'catalog' } },
    ]);
    expect(decideSetMember(state, { userId: 'ana', role: 'analyst', onlyNarrow: true })).toEqual(
      [],
    );
  });

  it('refuses adding a member or raising a role, naming why', () => {
    const adding = refusal(() =>
      decideSetMember(state, { userId: 'new', role: 'catalog', onlyNarrow: true }),
    );
    expect(adding).toEqual({ kind: 'forbidden', message: expect.stringMatching(/token/i) });
    const raising = refusal(() =>
      decideSetMember(state, { userId: 'ana', role: 'data_quality', onlyNarrow: true }),
    );
    expect(raising).toEqual({ kind: 'forbidden', message: expect.stringMatching(/token/i) });
  });

  it('lets a session add and raise', () => {
    expect(decideSetMember(state, { userId: 'new', role: 'admin' })).toHaveLength(1);
    expect(
      decideSetMember(state, { userId: 'ana', role: 'admin', onlyNarrow: false }),
    ).toHaveLength(1);
  });
});
