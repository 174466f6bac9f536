import type { Position } from '@pat/event-store';

/**
 * The documents of the read model, and the changes projections make to them. Every document
 * records the stream revision it reflects; a change for a revision that is not newer is ignored,
 * which makes projections idempotent (docs/design/contract.md §6).
 *
 * Times are ISO 8601 strings (UTC) so that every adapter stores and compares them the same way.
 */

export interface TokenRecord {
  readonly tokenId: string;
  readonly userId: string;
  readonly name: string;
  /** SHA-256 of the token, hex. The plaintext is never stored. */
  readonly tokenHash: string;
  readonly tokenHint: string;
  readonly createdAt: string;
  /** The expiry requested at creation; the policy may cap it further at read time. */
  readonly expiresAt: string;
  readonly revokedAt: string | null;
  readonly revokedReason: string | null;
  readonly lastUsedAt: string | null;
  readonly lastUsedIp: string | null;
  readonly lastUsedUserAgent: string | null;
  readonly revision: number;
  /**
   * The revision of the token's usage stream the last-used fields reflect (absent until a use
   * recorded there was projected). Two streams feed one document, so each has its own guard.
   */
  readonly usageRevision?: number;
}

export interface UserRecord {
  readonly userId: string;
  readonly username: string;
  /** The username normalised for uniqueness (lower case). */
  readonly usernameKey: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly isAdmin: boolean;
  readonly isAuditor: boolean;
  readonly passwordHash: string;
  /**
   * The revision of the user event that last set the password (0 for the one the user was
   * created with; absent on documents projected before this was recorded, which means 0).
   * Sessions started under an older version are refused.
   */
  readonly passwordVersion?: number;
  /**
   * The password is a one-time one the user must replace before anything else (absent on
   * documents projected before this was recorded, which means false).
   */
  readonly passwordChangeRequired?: boolean;
  readonly createdAt: string;
  readonly deletedAt: string | null;
  readonly revision: number;
}

export type ProjectRole = 'admin' | 'data_quality' | 'analyst' | 'business' | 'catalog';

export interface ProjectRecord {
  readonly projectId: string;
  readonly name: string;
  readonly createdAt: string;
  readonly revision: number;
}

/** One user's role in one project; `role` is null once the member was removed. */
export interface MembershipRecord {
  readonly projectId: string;
  readonly userId: string;
  readonly role: ProjectRole | null;
  readonly revision: number;
}

export const membershipId = (projectId: string, userId: string) => `${projectId}:${userId}`;

export interface TokenPolicyRecord {
  readonly maxLifetimeDays: number;
  readonly revision: number;
}

type Patch<T> = Partial<Omit<T, 'revision'>>;

/** One document change a projection wants, guarded by the revision of the event behind it. */
export type ReadModelChange =
  | {
      readonly collection: 'tokens';
      readonly id: string;
      readonly revision: number;
      readonly set: Patch<TokenRecord>;
    }
  | {
      readonly collection: 'users';
      readonly id: string;
      readonly revision: number;
      readonly set: Patch<UserRecord>;
    }
  | {
      readonly collection: 'projects';
      readonly id: string;
      readonly revision: number;
      readonly set: Patch<ProjectRecord>;
    }
  | {
      readonly collection: 'memberships';
      /** membershipId(projectId, userId) */
      readonly id: string;
      readonly revision: number;
      readonly set: Patch<MembershipRecord>;
    }
  | {
      readonly collection: 'tokenPolicy';
      readonly id: 'current';
      readonly revision: number;
      readonly set: Patch<TokenPolicyRecord>;
    }
  | TokenUsageChange;

/**
 * A use recorded in the token's usage stream: sets the last-used fields of the token document,
 * guarded by `usageRevision` (the usage stream's revision) rather than `revision`. Applied after
 * every other change of its batch, so a token created in the same batch is there to update; a
 * token with no document is left alone (its usage stream cannot start before it).
 */
export interface TokenUsageChange {
  readonly collection: 'tokenUsage';
  /** The token id. */
  readonly id: string;
  readonly revision: number;
  readonly set: Pick<Patch<TokenRecord>, 'lastUsedAt' | 'lastUsedIp' | 'lastUsedUserAgent'>;
}

export interface ProjectionCheckpoint {
  readonly projection: string;
  readonly position: Position;
}

/** The read-model changes one recorded event implies, and where that event sits in its stream. */
export interface ProjectedEvent {
  readonly streamName: string;
  readonly revision: number;
  /** Empty for events no document reflects: they still move their stream on. */
  readonly changes: readonly ReadModelChange[];
}

/** The stored collections (usage changes write token documents). */
export type ReadModelCollection = Exclude<ReadModelChange['collection'], 'tokenUsage'>;

export const READ_MODEL_COLLECTIONS: readonly ReadModelCollection[] = [
  'tokens',
  'users',
  'projects',
  'memberships',
  'tokenPolicy',
];
