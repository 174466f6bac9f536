import { DomainEvent, eventOfTypes } from '@pat/shared/event';
import { conflict, forbidden, invalid, notFound } from '@pat/shared/errors';

export const userStream = (userId: string) => `user-${userId}`;
export const usernameReservationStream = (usernameKey: string) => `username-${usernameKey}`;

/** ASCII only: no look-alike letters, invisible or control characters in who someone is. */
export const USERNAME_PATTERN = /^[A-Za-z0-9._@-]{3,64}$/;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

/** Usernames are unique ignoring case (and Unicode compatibility forms). */
export const usernameKey = (username: string) => username.normalize('NFKC').toLowerCase();

export interface UserProfile {
  readonly userId: string;
  readonly username: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly isAdmin: boolean;
  readonly isAuditor: boolean;
}

/**
 * Whether the password is a one-time one (printed at bootstrap or by `reset-password`) that the
 * user must replace before doing anything else. Recorded only when true: events without it
 * (every event from before it existed) mean false.
 */
export interface PasswordChangeRequirement {
  readonly passwordChangeRequired?: true;
}

export type UserCreated = DomainEvent<
  'UserCreated',
  UserProfile & { passwordHash: string } & PasswordChangeRequirement
>;
/**
 * A full profile after the change; the password hash only when the password changed. A new
 * password also sets the requirement anew: required when the event says so, cleared otherwise.
 */
export type UserUpdated = DomainEvent<
  'UserUpdated',
  UserProfile & { passwordHash?: string } & PasswordChangeRequirement
>;
export type UserDeleted = DomainEvent<'UserDeleted', UserProfile>;
export type UserEvent = UserCreated | UserUpdated | UserDeleted;

const USER_EVENT_TYPES: ReadonlySet<string> = new Set<UserEvent['type']>([
  'UserCreated',
  'UserUpdated',
  'UserDeleted',
]);

/** A recorded event as a user event (see eventOfTypes); null for any other type. */
export const asUserEvent = (recorded: { readonly type: string; readonly data: unknown }) =>
  eventOfTypes<UserEvent>(USER_EVENT_TYPES, recorded);

export type UsernameReserved = DomainEvent<
  'UsernameReserved',
  { usernameKey: string; userId: string }
>;
export type UsernameReleased = DomainEvent<
  'UsernameReleased',
  { usernameKey: string; userId: string }
>;
export type UsernameEvent = UsernameReserved | UsernameReleased;

/** Who holds a username, if anyone. */
export type UsernameState = { readonly heldBy: string | null };
export const initialUsernameState: UsernameState = { heldBy: null };

export function evolveUsername(_state: UsernameState, event: UsernameEvent): UsernameState {
  switch (event.type) {
    case 'UsernameReserved':
      return { heldBy: event.data.userId };
    case 'UsernameReleased':
      return { heldBy: null };
  }
}

export type UserState =
  | { readonly exists: false }
  | ({
      readonly exists: true;
      readonly deleted: boolean;
      readonly passwordChangeRequired: boolean;
    } & UserProfile);

export const initialUserState: UserState = { exists: false };

export function evolveUser(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserCreated':
    case 'UserUpdated': {
      const { userId, username, name, email, isAdmin, isAuditor } = event.data;
      const passwordChangeRequired =
        event.type === 'UserCreated' || event.data.passwordHash !== undefined
          ? event.data.passwordChangeRequired === true
          : state.exists && state.passwordChangeRequired;
      return {
        exists: true,
        deleted: false,
        passwordChangeRequired,
        userId,
        username,
        name,
        email,
        isAdmin,
        isAuditor,
      };
    }
    case 'UserDeleted':
      return state.exists ? { ...state, deleted: true } : state;
  }
}

export function validateUsername(username: string): void {
  if (!USERNAME_PATTERN.test(username)) {
    throw invalid(
      'username',
      'username must be 3 to 64 characters: letters, digits, dot, underscore, hyphen or @',
    );
  }
}

export function validatePassword(password: string): void {
  if (
    password.length < PASSWORD_MIN_LENGTH ||
    password.length > PASSWORD_MAX_LENGTH ||
    /\s/.test(password)
  ) {
    throw invalid(
      'password',
      `password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters without spaces`,
    );
  }
}

export function decideCreateUser(
  state: UserState,
  command: UserProfile & { passwordHash: string; passwordChangeRequired?: boolean },
): UserCreated[] {
  if (state.exists) throw conflict(`User ${command.userId} already exists`);
  validateUsername(command.username);
  const { passwordChangeRequired, ...data } = command;
  return [
    {
      type: 'UserCreated',
      data: passwordChangeRequired ? { ...data, passwordChangeRequired: true } : data,
    },
  ];
}

/**
 * The reservation that makes a username unique. Appended with the revision just read ("no
 * stream" the first time), so of two concurrent reservations exactly one succeeds.
 */
export function decideReserveUsername(
  state: UsernameState,
  command: { usernameKey: string; userId: string },
): UsernameReserved[] {
  if (state.heldBy !== null) throw conflict('That username is already taken');
  return [{ type: 'UsernameReserved', data: command }];
}

/** A deleted user's name becomes free again. */
export function decideReleaseUsername(
  state: UsernameState,
  command: { usernameKey: string; userId: string },
): UsernameReleased[] {
  return state.heldBy === command.userId ? [{ type: 'UsernameReleased', data: command }] : [];
}

export interface UpdateUser {
  readonly name?: string | null;
  readonly email?: string | null;
  readonly isAdmin?: boolean;
  readonly isAuditor?: boolean;
  /** Set when the password changes: hashed outside the domain. */
  readonly passwordHash?: string;
  /** With a new password: a one-time one, to be replaced at the next sign-in. */
  readonly passwordChangeRequired?: boolean;
  /** Who asks: administrators cannot take away their own administrator flag. */
  readonly requestedBy?: string | null;
}

export function decideUpdateUser(state: UserState, command: UpdateUser): UserUpdated[] {
  if (!state.exists || state.deleted) throw notFound('User not found');
  if (command.requestedBy === state.userId && command.isAdmin === false && state.isAdmin) {
    throw forbidden('You cannot remove your own administrator flag');
  }
  const next: UserProfile = {
    userId: state.userId,
    username: state.username,
    name: command.name !== undefined ? command.name : state.name,
    email: command.email !== undefined ? command.email : state.email,
    isAdmin: command.isAdmin ?? state.isAdmin,
    isAuditor: command.isAuditor ?? state.isAuditor,
  };
  const unchanged =
    command.passwordHash === undefined &&
    next.name === state.name &&
    next.email === state.email &&
    next.isAdmin === state.isAdmin &&
    next.isAuditor === state.isAuditor;
  if (unchanged) return [];
  if (!command.passwordHash) return [{ type: 'UserUpdated', data: next }];
  return [
    {
      type: 'UserUpdated',
      data: command.passwordChangeRequired
        ? { ...next, passwordHash: command.passwordHash, passwordChangeRequired: true }
        : { ...next, passwordHash: command.passwordHash },
    },
  ];
}

export function decideDeleteUser(
  state: UserState,
  command: { userId: string; requestedBy: string | null },
): UserDeleted[] {
  if (!state.exists || state.deleted) throw notFound('User not found');
  if (command.requestedBy === command.userId) {
    throw forbidden('You cannot delete your own account');
  }
  const { userId, username, name, email, isAdmin, isAuditor } = state;
  return [{ type: 'UserDeleted', data: { userId, username, name, email, isAdmin, isAuditor } }];
}
