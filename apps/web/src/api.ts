/** The REST API under /api/v1 (docs/design/contract.md §8): typed calls and one error shape. */

export type TokenStatus = 'Active' | 'Expired' | 'Revoked';

export interface Token {
  id: string;
  name: string;
  tokenHint: string;
  createdAt: string;
  /** Effective expiry: the requested one, capped by the current policy. */
  expiresAt: string;
  requestedExpiresAt: string;
  cappedByPolicy: boolean;
  revokedAt: string | null;
  status: TokenStatus;
  lastUsedAt: string | null;
  /** Where it was last used from (newer servers). */
  lastUsedIp?: string | null;
  lastUsedUserAgent?: string | null;
  /** Active and expiring within 7 days, by the server's clock (newer servers). */
  expiringSoon?: boolean;
}

export interface CreatedToken extends Token {
  /** The token itself: in this response only. */
  token: string;
}

export interface TokenPolicy {
  maxLifetimeDays: number;
  presets: number[];
}

export const ROLES = ['admin', 'data_quality', 'analyst', 'business', 'catalog'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Admin',
  data_quality: 'Data quality',
  analyst: 'Analyst',
  business: 'Business',
  catalog: 'Catalog',
};

export interface Me {
  userId: string;
  username: string;
  name: string | null;
  email: string | null;
  isAdmin: boolean;
  isAuditor: boolean;
  projects: { id: string; name: string; role: Role }[];
  authMethod: 'session' | 'token';
  tokenId: string | null;
  /** A one-time password: the API opens nothing else until a new one is set. */
  passwordChangeRequired: boolean;
}

export interface User {
  id: string;
  username: string;
  name: string | null;
  email: string | null;
  isAdmin: boolean;
  isAuditor: boolean;
  createdAt: string;
}

export interface NewUser {
  username: string;
  password: string;
  name?: string;
  email?: string;
  isAdmin: boolean;
  isAuditor: boolean;
}

export interface UserChanges {
  name?: string | null;
  email?: string | null;
  isAdmin?: boolean;
  isAuditor?: boolean;
  password?: string;
}

export interface Project {
  id: string;
  name: string;
  createdAt: string;
  /** The caller's role (null: not a member). */
  role: Role | null;
}

export interface Member {
  userId: string;
  username: string;
  name: string | null;
  role: Role;
}

export interface ProjectDetail extends Project {
  members: Member[];
}

export type NewToken = { name: string } & ({ expiresInDays: number } | { expiresAt: string });

/** Any answer but 2xx. `fields` holds the messages of a 400 by field name. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: Readonly<Record<string, string[]>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorBody {
  message?: unknown;
  errors?: unknown;
}

/** The `error` of a 403 that asks for the password again before an account change. */
export const REAUTHENTICATION_REQUIRED = 'reauthentication_required';

function toApiError(status: number, body: unknown): ApiError {
  const { message, errors } = (typeof body === 'object' && body !== null ? body : {}) as ErrorBody;
  const fields: Record<string, string[]> = {};
  if (Array.isArray(errors)) {
    for (const entry of errors as { field?: unknown; messages?: unknown }[]) {
      if (typeof entry.field === 'string' && Array.isArray(entry.messages)) {
        fields[entry.field] = entry.messages.filter((m): m is string => typeof m === 'string');
      }
    }
  }
  const text =
    typeof message === 'string' && message
      ? message
      : Array.isArray(message)
        ? message.join('; ')
        : `The request failed (HTTP ${status})`;
  return new ApiError(status, text, fields);
}

/** The `error` of a 403 while the account still has a one-time password. */
export const PASSWORD_CHANGE_REQUIRED = 'password_change_required';

let whenSignedOut: () => void = () => undefined;
let whenPasswordChangeRequired: () => void = () => undefined;

/** Called when an API call answers 403 `password_change_required` (a reset elsewhere). */
export function onPasswordChangeRequired(handler: () => void): void {
  whenPasswordChangeRequired = handler;
}

function errorCodeOf(payload: unknown): unknown {
  return (payload as (ErrorBody & { error?: unknown }) | null)?.error;
}

/** Called when an API call answers 401: the session ended (signed out elsewhere, expired). */
export function onSessionEnded(handler: () => void): void {
  whenSignedOut = handler;
}

/** Asks the person for their password; true once it was confirmed, false if they cancelled. */
type Reauthenticate = () => Promise<boolean>;
let reauthenticate: Reauthenticate | null = null;
/** One prompt for every call that needs it at the same moment. */
let pendingReauthentication: Promise<boolean> | null = null;

/**
 * Called when an account change answers 403 `reauthentication_required` (the session has not
 * proven its password recently): the handler asks for it, and the call is retried once.
 */
export function onReauthenticationRequired(handler: Reauthenticate): void {
  reauthenticate = handler;
}

function askForPassword(): Promise<boolean> {
  if (!reauthenticate) return Promise.resolve(false);
  pendingReauthentication ??= reauthenticate().finally(() => {
    pendingReauthentication = null;
  });
  return pendingReauthentication;
}

async function call<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      credentials: 'same-origin',
      headers:
        body === undefined
          ? { Accept: 'application/json' }
          : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'The server could not be reached. Check your connection and try again.');
  }
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = toApiError(response.status, payload);
    if (response.status === 401 && path !== '/session') whenSignedOut();
    if (response.status === 403 && errorCodeOf(payload) === PASSWORD_CHANGE_REQUIRED) {
      whenPasswordChangeRequired();
    }
    if (
      response.status === 403 &&
      !retried &&
      errorCodeOf(payload) === REAUTHENTICATION_REQUIRED &&
      (await askForPassword())
    ) {
      return call<T>(method, path, body, true);
    }
    throw error;
  }
  return payload as T;
}

/**
 * Every item of a paged list: the server answers at most 100 a page and names the next one in
 * `Link: <…>; rel="next"` (docs/design/contract.md §10). Followed only to this server's own
 * API paths.
 */
async function listAll<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let url: string | null = `/api/v1${path}`;
  while (url !== null) {
    let response: Response;
    try {
      response = await fetch(url, {
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
      });
    } catch {
      throw new ApiError(
        0,
        'The server could not be reached. Check your connection and try again.',
      );
    }
    const payload: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const error = toApiError(response.status, payload);
      if (response.status === 401) whenSignedOut();
      if (response.status === 403 && errorCodeOf(payload) === PASSWORD_CHANGE_REQUIRED) {
        whenPasswordChangeRequired();
      }
      throw error;
    }
    items.push(...(payload as T[]));
    const next = /^<(\/api\/v1\/[^>]*)>; rel="next"$/.exec(response.headers.get('Link') ?? '');
    url = next ? next[1] : null;
  }
  return items;
}

const id = encodeURIComponent;

export const api = {
  signIn: (username: string, password: string) =>
    call<User>('POST', '/session', { username, password }),
  signOut: () => call<void>('DELETE', '/session'),
  confirmPassword: (password: string) =>
    call<{ confirmedUntil: string }>('POST', '/session/confirm', { password }),
  changePassword: (currentPassword: string, newPassword: string) =>
    call<void>('PUT', '/me/password', { currentPassword, newPassword }),
  me: () => call<Me>('GET', '/me'),
  myProjects: () => call<Project[]>('GET', '/projects'),

  tokenPolicy: () => call<TokenPolicy>('GET', '/token-policy'),
  myTokens: () => listAll<Token>('/me/tokens'),
  createToken: (body: NewToken) => call<CreatedToken>('POST', '/me/tokens', body),
  revokeMyToken: (tokenId: string) => call<Token>('POST', `/me/tokens/${id(tokenId)}/revoke`),

  admin: {
    tokenPolicy: () => call<TokenPolicy>('GET', '/admin/token-policy'),
    setTokenPolicy: (maxLifetimeDays: number) =>
      call<TokenPolicy>('PUT', '/admin/token-policy', { maxLifetimeDays }),

    users: () => listAll<User>('/admin/users'),
    user: (userId: string) => call<User>('GET', `/admin/users/${id(userId)}`),
    createUser: (body: NewUser) => call<User>('POST', '/admin/users', body),
    updateUser: (userId: string, changes: UserChanges) =>
      call<User>('PATCH', `/admin/users/${id(userId)}`, changes),
    deleteUser: (userId: string) => call<void>('DELETE', `/admin/users/${id(userId)}`),
    userTokens: (userId: string) => listAll<Token>(`/admin/users/${id(userId)}/tokens`),
    revokeToken: (tokenId: string) => call<Token>('POST', `/admin/tokens/${id(tokenId)}/revoke`),

    projects: () => call<Project[]>('GET', '/admin/projects'),
    project: (projectId: string) => call<ProjectDetail>('GET', `/admin/projects/${id(projectId)}`),
    createProject: (name: string) => call<ProjectDetail>('POST', '/admin/projects', { name }),
    renameProject: (projectId: string, name: string) =>
      call<ProjectDetail>('PATCH', `/admin/projects/${id(projectId)}`, { name }),
    setMember: (projectId: string, userId: string, role: Role) =>
      call<ProjectDetail>('PUT', `/admin/projects/${id(projectId)}/members/${id(userId)}`, {
        role,
      }),
    removeMember: (projectId: string, userId: string) =>
      call<void>('DELETE', `/admin/projects/${id(projectId)}/members/${id(userId)}`),
  },
};
