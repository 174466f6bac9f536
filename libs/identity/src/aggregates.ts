import type { Aggregate } from '@pat/application';
import {
  ProjectEvent,
  ProjectNameEvent,
  ProjectNameState,
  ProjectState,
  evolveProject,
  evolveProjectName,
  initialProjectNameState,
  initialProjectState,
} from './domain/project';
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

export const projectNameReservationAggregate: Aggregate<ProjectNameState, ProjectNameEvent> = {
  initialState: initialProjectNameState,
  evolve: evolveProjectName,
};
