import { DomainError } from '@pat/shared/errors';
import {
  UserEvent,
  decideCreateUser,
  decideDeleteUser,
  decideReleaseUsername,
  decideReserveUsername,
  decideUpdateUser,
  evolveUser,
  evolveUsername,
  initialUserState,
  initialUsernameState,
  usernameKey,
  validatePassword,
} from './user';

const profile = {
  userId: 'u1',
  username: 'Alice',
  name: null,
  email: null,
  isAdmin: false,
  isAuditor: false,
};
const kindOf = (fn: () => unknown) => {
  try {
    fn();
    return 'none';
  } catch (error) {
    return error instanceof DomainError ? error.kind : 'other';
  }
};

describe('user decisions', () => {
  const created = (
    decideCreateUser(initialUserState, { ...profile, passwordHash: 'h' }) as UserEvent[]
  ).reduce(evolveUser, initialUserState);

  it('normalises usernames for uniqueness ignoring case', () => {
    expect(usernameKey('Alice')).toBe(usernameKey('aLICE'));
    expect(usernameKey('Ａｌｉｃｅ')).toBe('alice');
  });

  it('reserves a free name once, and frees it only for its holder', () => {
    const held = decideReserveUsername(initialUsernameState, {
      usernameKey: 'a',
      userId: 'u1',
    }).reduce(evolveUsername, initialUsernameState);
    expect(kindOf(() => decideReserveUsername(held, { usernameKey: 'a', userId: 'u2' }))).toBe(
      'conflict',
    );
    expect(decideReleaseUsername(held, { usernameKey: 'a', userId: 'u2' })).toEqual([]);
    const freed = decideReleaseUsername(held, { usernameKey: 'a', userId: 'u1' }).reduce(
      evolveUsername,
      held,
    );
    expect(decideReserveUsername(freed, { usernameKey: 'a', userId: 'u2' })).toHaveLength(1);
  });

  it('updates only what changes, with the password hash only on a password change', () => {
    expect(decideUpdateUser(created, {})).toEqual([]);
    expect(decideUpdateUser(created, { isAuditor: false })).toEqual([]);
    const [event] = decideUpdateUser(created, { name: 'Alice L.', passwordHash: 'h2' });
    expect(event.data).toEqual({ ...profile, name: 'Alice L.', passwordHash: 'h2' });
    expect(decideUpdateUser(created, { email: 'a@x.org' })[0].data).not.toHaveProperty(
      'passwordHash',
    );
  });

  it('refuses self-deletion and removing one’s own admin flag', () => {
    const admin = evolveUser(created, {
      type: 'UserUpdated',
      data: { ...profile, isAdmin: true },
    });
    expect(kindOf(() => decideDeleteUser(admin, { userId: 'u1', requestedBy: 'u1' }))).toBe(
      'forbidden',
    );
    expect(kindOf(() => decideUpdateUser(admin, { isAdmin: false, requestedBy: 'u1' }))).toBe(
      'forbidden',
    );
    const deleted = decideDeleteUser(admin, { userId: 'u1', requestedBy: 'u9' }).reduce(
      evolveUser,
      admin,
    );
    expect(kindOf(() => decideDeleteUser(deleted, { userId: 'u1', requestedBy: 'u9' }))).toBe(
      'not_found',
    );
    expect(kindOf(() => decideUpdateUser(deleted, { name: 'x' }))).toBe('not_found');
  });

  it('requires passwords of 8+ characters without spaces', () => {
    expect(kindOf(() => validatePassword('short'))).toBe('invalid');
    expect(kindOf(() => validatePassword('has a space'))).toBe('invalid');
    expect(kindOf(() => validatePassword('long-enough'))).toBe('none');
  });

  it('records a one-time password only when set; a new password replaces or clears it', () => {
    const required = (state: ReturnType<typeof evolveUser>) =>
      state.exists && state.passwordChangeRequired;
    expect(required(created)).toBe(false);
    expect(created.exists).toBe(true);
    const [plain] = decideCreateUser(initialUserState, { ...profile, passwordHash: 'h' });
    expect(plain.data).not.toHaveProperty('passwordChangeRequired');

    const [oneTime] = decideCreateUser(initialUserState, {
      ...profile,
      passwordHash: 'h',
      passwordChangeRequired: true,
    });
    expect(oneTime.data.passwordChangeRequired).toBe(true);
    const bootstrapped = evolveUser(initialUserState, oneTime);
    expect(required(bootstrapped)).toBe(true);

    // A profile change keeps it; the user's own new password clears it; a reset sets it again.
    const renamed = decideUpdateUser(bootstrapped, { name: 'Root' }).reduce(
      evolveUser,
      bootstrapped,
    );
    expect(required(renamed)).toBe(true);
    const [own] = decideUpdateUser(renamed, { passwordHash: 'h2' });
    expect(own.data).not.toHaveProperty('passwordChangeRequired');
    const changed = evolveUser(renamed, own);
    expect(required(changed)).toBe(false);
    const [reset] = decideUpdateUser(changed, { passwordHash: 'h3', passwordChangeRequired: true });
    expect(reset.data).toMatchObject({ passwordHash: 'h3', passwordChangeRequired: true });
    expect(required(evolveUser(changed, reset))).toBe(true);
  });
});
