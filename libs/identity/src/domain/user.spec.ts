import { DomainError } from '@pat/shared/errors';
import { DeciderSpec } from '@pat/shared/testing/decider-spec';
import {
  UserCreated,
  UserDeleted,
  UserState,
  UserUpdated,
  UsernameReleased,
  UsernameReserved,
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

/** Commands are updates; creation and deletion are closures. */
const userSpec = DeciderSpec.for({
  decide: decideUpdateUser,
  evolve: evolveUser,
  initialState: initialUserState,
});
const created: UserCreated = { type: 'UserCreated', data: { ...profile, passwordHash: 'h' } };
const required = (state: UserState) => state.exists && state.passwordChangeRequired;

describe('user decisions', () => {
  it('normalises usernames for uniqueness ignoring case', () => {
    expect(usernameKey('Alice')).toBe(usernameKey('aLICE'));
    expect(usernameKey('Ａｌｉｃｅ')).toBe('alice');
  });

  it('reserves a free name once, and frees it only for its holder', () => {
    const username = DeciderSpec.for({
      decide: decideReserveUsername,
      evolve: evolveUsername,
      initialState: initialUsernameState,
    });
    const reserved: UsernameReserved = {
      type: 'UsernameReserved',
      data: { usernameKey: 'a', userId: 'u1' },
    };
    const released: UsernameReleased = {
      type: 'UsernameReleased',
      data: { usernameKey: 'a', userId: 'u1' },
    };
    username.when({ usernameKey: 'a', userId: 'u1' }).then([reserved]);
    username.given([reserved]).when({ usernameKey: 'a', userId: 'u2' }).thenThrows('conflict');
    username
      .given([reserved])
      .when((state) => decideReleaseUsername(state, { usernameKey: 'a', userId: 'u2' }))
      .thenNothing();
    username
      .given([reserved])
      .when((state) => decideReleaseUsername(state, { usernameKey: 'a', userId: 'u1' }))
      .then([released]);
    username
      .given([reserved, released])
      .when({ usernameKey: 'a', userId: 'u2' })
      .then([{ type: 'UsernameReserved', data: { usernameKey: 'a', userId: 'u2' } }]);
  });

  it('updates only what changes, with the password hash only on a password change', () => {
    const afterCreation = userSpec.given([created]);
    afterCreation.when({}).thenNothing();
    afterCreation.when({ isAuditor: false }).thenNothing();
    afterCreation
      .when({ name: 'Alice L.', passwordHash: 'h2' })
      .then([{ type: 'UserUpdated', data: { ...profile, name: 'Alice L.', passwordHash: 'h2' } }]);
    const [emailChanged] = afterCreation
      .when({ email: 'a@x.org' })
      .then([{ type: 'UserUpdated', data: { ...profile, email: 'a@x.org' } }]).events;
    // then() compares with toEqual, to which a present but undefined property is no difference.
    expect(emailChanged.data).not.toHaveProperty('passwordHash');
  });

  it('refuses self-deletion and removing one’s own admin flag', () => {
    const madeAdmin: UserUpdated = { type: 'UserUpdated', data: { ...profile, isAdmin: true } };
    const deleted: UserDeleted = { type: 'UserDeleted', data: { ...profile, isAdmin: true } };
    const deleting = (requestedBy: string) => (state: UserState) =>
      decideDeleteUser(state, { userId: 'u1', requestedBy });
    const admin = userSpec.given([created, madeAdmin]);
    admin.when(deleting('u1')).thenThrows('forbidden');
    admin.when({ isAdmin: false, requestedBy: 'u1' }).thenThrows('forbidden');
    admin.when(deleting('u9')).then([deleted]);
    const gone = userSpec.given([created, madeAdmin, deleted]);
    gone.when(deleting('u9')).thenThrows('not_found');
    gone.when({ name: 'x' }).thenThrows('not_found');
  });

  it('requires passwords of 8+ characters without spaces', () => {
    expect(kindOf(() => validatePassword('short'))).toBe('invalid');
    expect(kindOf(() => validatePassword('has a space'))).toBe('invalid');
    expect(kindOf(() => validatePassword('long-enough'))).toBe('none');
  });

  it('records a one-time password only when set; a new password replaces or clears it', () => {
    const plain = userSpec
      .when((state) => decideCreateUser(state, { ...profile, passwordHash: 'h' }))
      .then([created]);
    expect(required(plain.state)).toBe(false);
    expect(plain.state.exists).toBe(true);
    expect(plain.events[0].data).not.toHaveProperty('passwordChangeRequired');

    const oneTime: UserCreated = {
      type: 'UserCreated',
      data: { ...profile, passwordHash: 'h', passwordChangeRequired: true },
    };
    const bootstrapped = userSpec
      .when((state) =>
        decideCreateUser(state, { ...profile, passwordHash: 'h', passwordChangeRequired: true }),
      )
      .then([oneTime]);
    expect(required(bootstrapped.state)).toBe(true);

    // A profile change keeps it; the user's own new password clears it; a reset sets it again.
    const renamed = userSpec
      .given([oneTime])
      .when({ name: 'Root' })
      .then([{ type: 'UserUpdated', data: { ...profile, name: 'Root' } }]);
    expect(required(renamed.state)).toBe(true);
    const own = userSpec
      .given([oneTime, ...renamed.events])
      .when({ passwordHash: 'h2' })
      .thenMatches([{ type: 'UserUpdated', data: { passwordHash: 'h2' } }]);
    expect(own.events[0].data).not.toHaveProperty('passwordChangeRequired');
    expect(required(own.state)).toBe(false);
    const reset = userSpec
      .given([oneTime, ...renamed.events, ...own.events])
      .when({ passwordHash: 'h3', passwordChangeRequired: true })
      .thenMatches([{ data: { passwordHash: 'h3', passwordChangeRequired: true } }]);
    expect(required(reset.state)).toBe(true);
  });
});
