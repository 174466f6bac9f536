import type { Aggregate } from '@pat/application';
import { ProjectEvent, ProjectState, evolveProject, initialProjectState } from './domain/project';
import {
  UserEvent,
  UserState,
  UsernameEvent,
  UsernameState,
  evolveUser,
  evolveUsername,
  initialUserState,
  initialUsernameState,
} from './domain/user';

export const userAggregate: Aggregate<UserState, UserEvent> = {
  initialState: initialUserState,
  evolve: evolveUser,
};

export const usernameReservationAggregate: Aggregate<UsernameState, UsernameEvent> = {
  initialState: initialUsernameState,
  evolve: evolveUsername,
};

export const projectAggregate: Aggregate<ProjectState, ProjectEvent> = {
  initialState: initialProjectState,
  evolve: evolveProject,
};
