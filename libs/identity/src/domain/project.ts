import { conflict, forbidden, invalid, notFound } from '@pat/shared/errors';
import type { DomainEvent } from '@pat/shared/event';

export const projectStream = (projectId: string) => `project-${projectId}`;
/** In the `project-` category, so that every store's default filter of the log includes it. */
export const projectNameReservationStream = (nameKey: string) => `project-name-${nameKey}`;
export const PROJECT_NAME_MAX_LENGTH = 30;
export const PROJECT_ROLES = ['admin', 'data_quality', 'analyst', 'business', 'catalog'] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

/**
 * Project roles from widest to narrowest, in the order docs/design/contract.md §7 lists them. A
 * token may move a member only down this list (docs/design/contract.md §10: a token can reduce
 * access, never widen it).
 */
const ROLE_RANK: Readonly<Record<ProjectRole, number>> = {
  admin: 5,
  data_quality: 4,
  analyst: 3,
  business: 2,
  catalog: 1,
};

/** Higher is wider. */
export const roleRank = (role: ProjectRole): number => ROLE_RANK[role];

/**
 * Whether giving `next` to a member whose role is `current` (undefined: not a member yet) widens
 * their access. Adding a member always does; the same role or a lower one does not.
 */
export function widensAccess(current: ProjectRole | undefined, next: ProjectRole): boolean {
  return current === undefined || roleRank(next) > roleRank(current);
}

export type ProjectCreated = DomainEvent<'ProjectCreated', { projectId: string; name: string }>;
export type ProjectRenamed = DomainEvent<'ProjectRenamed', { projectId: string; name: string }>;
type MemberData = { projectId: string; userId: string; role: ProjectRole };
export type MemberAdded = DomainEvent<'MemberAdded', MemberData>;
export type MemberRoleChanged = DomainEvent<'MemberRoleChanged', MemberData>;
export type MemberRemoved = DomainEvent<'MemberRemoved', MemberData>;
export type ProjectEvent =
  ProjectCreated | ProjectRenamed | MemberAdded | MemberRoleChanged | MemberRemoved;

export type ProjectState =
  | { readonly exists: false }
  | {
      readonly exists: true;
      readonly projectId: string;
      readonly name: string;
      readonly members: ReadonlyMap<string, ProjectRole>;
    };

export const initialProjectState: ProjectState = { exists: false };

export function evolveProject(state: ProjectState, event: ProjectEvent): ProjectState {
  if (event.type === 'ProjectCreated') {
    return {
      exists: true,
      projectId: event.data.projectId,
      name: event.data.name,
      members: new Map(),
    };
  }
  if (!state.exists) return state;
  switch (event.type) {
    case 'ProjectRenamed':
      return { ...state, name: event.data.name };
    case 'MemberAdded':
    case 'MemberRoleChanged':
      return { ...state, members: new Map(state.members).set(event.data.userId, event.data.role) };
    case 'MemberRemoved': {
      const members = new Map(state.members);
      members.delete(event.data.userId);
      return { ...state, members };
    }
  }
}

export function isProjectRole(value: unknown): value is ProjectRole {
  return typeof value === 'string' && (PROJECT_ROLES as readonly string[]).includes(value);
}

/** The name as stored (trimmed), or a 400 naming the field. */
export function validName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > PROJECT_NAME_MAX_LENGTH) {
    throw invalid('name', `name must be 1 to ${PROJECT_NAME_MAX_LENGTH} characters`);
  }
  return trimmed;
}

export function decideCreateProject(
  state: ProjectState,
  command: { projectId: string; name: string },
): ProjectCreated[] {
  if (state.exists) throw conflict(`Project ${command.projectId} already exists`);
  return [
    {
      type: 'ProjectCreated',
      data: { projectId: command.projectId, name: validName(command.name) },
    },
  ];
}

export function decideRenameProject(
  state: ProjectState,
  command: { name: string },
): ProjectRenamed[] {
  if (!state.exists) throw notFound('Project not found');
  const name = validName(command.name);
  return name === state.name
    ? []
    : [{ type: 'ProjectRenamed', data: { projectId: state.projectId, name } }];
}

/** Project names are unique ignoring case (and Unicode compatibility forms), as stored: trimmed. */
export const projectNameKey = (name: string) => name.trim().normalize('NFKC').toLowerCase();

type NameReservationData = { nameKey: string; projectId: string };
export type ProjectNameReserved = DomainEvent<'ProjectNameReserved', NameReservationData>;
export type ProjectNameReleased = DomainEvent<'ProjectNameReleased', NameReservationData>;
export type ProjectNameEvent = ProjectNameReserved | ProjectNameReleased;

/** Which project holds a name, if any. */
export type ProjectNameState = { readonly heldBy: string | null };
export const initialProjectNameState: ProjectNameState = { heldBy: null };

export function evolveProjectName(
  _state: ProjectNameState,
  event: ProjectNameEvent,
): ProjectNameState {
  return { heldBy: event.type === 'ProjectNameReserved' ? event.data.projectId : null };
}

/**
 * The reservation that makes a project name unique. Appended with the revision just read, so of
 * two concurrent reservations of one name exactly one succeeds; the project holding it already
 * (a rename that only changes case) keeps it.
 */
export function decideReserveProjectName(
  state: ProjectNameState,
  command: NameReservationData & { name: string },
): ProjectNameReserved[] {
  if (state.heldBy === command.projectId) return [];
  if (state.heldBy !== null) throw nameTaken(command.name);
  return [
    {
      type: 'ProjectNameReserved',
      data: { nameKey: command.nameKey, projectId: command.projectId },
    },
  ];
}

export function decideReleaseProjectName(
  state: ProjectNameState,
  command: NameReservationData,
): ProjectNameReleased[] {
  return state.heldBy === command.projectId ? [{ type: 'ProjectNameReleased', data: command }] : [];
}

export const nameTaken = (name: string) =>
  conflict(`A project named "${name.trim()}" already exists (names are unique ignoring case)`);

/** Adds the user with the role, or changes their role; the same role again changes nothing. */
/** A project admin may not leave their project without any admin. */
function keepsAnAdmin(state: ProjectState & { exists: true }, userId: string): boolean {
  return [...state.members].some(([member, role]) => member !== userId && role === 'admin');
}

export function decideSetMember(
  state: ProjectState,
  command: {
    userId: string;
    role: ProjectRole;
    protectLastAdmin?: boolean;
    /**
     * A token acting: it may lower a role, never add a member or raise one
     * (docs/design/contract.md §10).
     */
    onlyNarrow?: boolean;
  },
): (MemberAdded | MemberRoleChanged)[] {
  if (!state.exists) throw notFound('Project not found');
  if (!isProjectRole(command.role)) {
    throw invalid('role', `role must be one of ${PROJECT_ROLES.join(', ')}`);
  }
  const current = state.members.get(command.userId);
  if (command.onlyNarrow && widensAccess(current, command.role)) {
    throw forbidden(
      current === undefined
        ? 'A token cannot add a member: sign in to the web UI to do this'
        : 'A token can only lower a member’s role, not raise it: sign in to the web UI to do this',
    );
  }
  const data = { projectId: state.projectId, userId: command.userId, role: command.role };
  if (current === undefined) return [{ type: 'MemberAdded', data }];
  if (current === command.role) return [];
  if (command.protectLastAdmin && current === 'admin' && !keepsAnAdmin(state, command.userId)) {
    throw conflict('The project must keep at least one admin');
  }
  return [{ type: 'MemberRoleChanged', data }];
}

export function decideRemoveMember(
  state: ProjectState,
  command: { userId: string; protectLastAdmin?: boolean },
): MemberRemoved[] {
  if (!state.exists) throw notFound('Project not found');
  const role = state.members.get(command.userId);
  if (role === undefined) throw notFound('That user is not a member of this project');
  if (command.protectLastAdmin && role === 'admin' && !keepsAnAdmin(state, command.userId)) {
    throw conflict('The project must keep at least one admin');
  }
  return [
    { type: 'MemberRemoved', data: { projectId: state.projectId, userId: command.userId, role } },
  ];
}
