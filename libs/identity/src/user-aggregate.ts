import type { Aggregate } from '@pat/application';
import type { DomainEvent } from '@pat/shared';
import { UserEvent, UserState, evolveUser, initialUserState } from './domain/user';

export const userAggregate: Aggregate<UserState, UserEvent> = {
  initialState: initialUserState,
  evolve: evolveUser,
};

/** A username reservation stream only records that the name is taken. */
export const usernameReservationAggregate: Aggregate<boolean, DomainEvent> = {
  initialState: false,
  evolve: () => true,
};
