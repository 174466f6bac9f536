import { randomUUID } from 'node:crypto';
import type {
  ProjectedEvent,
  ProjectionCheckpoint,
  ReadModel,
  ReadModelChange,
  TokenRecord,
  UserRecord,
} from '../read-model.port';

/** What the themed parts of the contract get from the suite that runs them. */
export interface ReadModelSuite {
  /** The read model of the running test (a new one after `reopen`). */
  readModel(): ReadModel;
  /** Closes the read model and opens a new one on the same storage. */
  reopen(): Promise<ReadModel>;
  /** Applies each change as the one change of an event of its stream (see asEvents). */
  apply(changes: readonly ReadModelChange[], checkpoint?: ProjectionCheckpoint): Promise<number>;
}

export const tokenCreated = (
  overrides: Partial<TokenRecord> = {},
): ReadModelChange & { collection: 'tokens' } => {
  const tokenId = overrides.tokenId ?? randomUUID();
  return {
    collection: 'tokens',
    id: tokenId,
    revision: 0,
    set: {
      tokenId,
      userId: 'user-1',
      name: 'ci-deploy',
      tokenHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
      tokenHint: 'tgp_…abcd',
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-02-01T00:00:00.000Z',
      revokedAt: null,
      revokedReason: null,
      lastUsedAt: null,
      lastUsedIp: null,
      lastUsedUserAgent: null,
      ...overrides,
    },
  };
};

export const userCreated = (
  overrides: Partial<UserRecord> = {},
): ReadModelChange & { collection: 'users' } => {
  const userId = overrides.userId ?? randomUUID();
  const username = overrides.username ?? `user-${userId.slice(0, 8)}`;
  return {
    collection: 'users',
    id: userId,
    revision: 0,
    set: {
      userId,
      username,
      usernameKey: username.toLowerCase(),
      name: null,
      email: null,
      isAdmin: false,
      isAuditor: false,
      passwordHash: '$argon2id$test',
      createdAt: '2026-01-01T00:00:00.000Z',
      deletedAt: null,
      ...overrides,
    },
  };
};

/** The stream a change's document is projected from, as the real projections name them. */
export const streamOf = (change: ReadModelChange): string => {
  switch (change.collection) {
    case 'memberships':
      return `project-${change.id.split(':')[0]}`;
    case 'projects':
      return `project-${change.id}`;
    case 'tokenPolicy':
      return 'token-policy';
    case 'users':
      return `user-${change.id}`;
    case 'tokens':
      return `token-${change.id}`;
    case 'tokenUsage':
      return `token_usage-${change.id}`;
  }
};

/** Each change as the one change of an event at the change's revision of its stream. */
export const asEvents = (changes: readonly ReadModelChange[]): ProjectedEvent[] =>
  changes.map((change) => ({
    streamName: streamOf(change),
    revision: change.revision,
    changes: [change],
  }));

/** An event of a token's stream that changes no document (a TokenRejected, say). */
export const silentEvent = (tokenId: string, revision: number): ProjectedEvent => ({
  streamName: `token-${tokenId}`,
  revision,
  changes: [],
});

export const tokenChange = (
  tokenId: string,
  revision: number,
  set: ReadModelChange['set'] & Partial<TokenRecord>,
): ReadModelChange => ({ collection: 'tokens', id: tokenId, revision, set });
