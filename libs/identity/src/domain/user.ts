import type { DomainEvent } from '@pat/shared/event';
import { conflict, invalid } from '@pat/shared/errors';

export const userStream = (userId: string) => `user-${userId}`;
export const usernameReservationStream = (usernameKey: string) => `username-${usernameKey}`;

export const USERNAME_PATTERN = /^[^\s]{3,64}$/;
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

export type UserCreated = DomainEvent<'UserCreated', UserProfile & { passwordHash: string }>;
export type UserEvent = UserCreated;

export type UsernameReserved = DomainEvent<
  'UsernameReserved',
  { usernameKey: string; userId: string }
>;

export type UserState = { readonly exists: false } | ({ readonly exists: true } & UserProfile);

export const initialUserState: UserState = { exists: false };

export function evolveUser(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserCreated': {
      const { userId, username, name, email, isAdmin, isAuditor } = event.data;
      return { exists: true, userId, username, name, email, isAdmin, isAuditor };
    }
  }
}

export function validateUsername(username: string): void {
  if (!USERNAME_PATTERN.test(username)) {
    throw invalid('username', 'username must be 3 to 64 characters without spaces');
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
  command: UserProfile & { passwordHash: string },
): UserCreated[] {
  if (state.exists) throw conflict(`User ${command.userId} already exists`);
  validateUsername(command.username);
  return [{ type: 'UserCreated', data: { ...command } }];
}

/** The reservation that makes a username unique: appended only if its stream does not exist. */
export function decideReserveUsername(
  reserved: boolean,
  command: { usernameKey: string; userId: string },
): UsernameReserved[] {
  if (reserved) throw conflict('That username is already taken');
  return [{ type: 'UsernameReserved', data: command }];
}
