import type { Position } from '@pat/event-store';
import { DAY_MS } from '@pat/shared/time';

/**
 * The read model port: documents that projections keep up to date from the event log, and the
 * queries the API needs. Every document records the stream revision it reflects; a change for a
 * revision that is not newer is ignored, which makes projections idempotent
 * (docs/design/contract.md §6).
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

/** Where the read model stands in one stream, and the event that could not follow it. */
export interface StreamGap {
  readonly streamName: string;
  /** The last revision of the stream the read model reflects; -1 for none. */
  readonly applied: number;
  /** The revision that arrived instead of `applied + 1`. */
  readonly arrived: number;
}

/**
 * Events of a stream arrived with earlier ones missing (out of order, or after a wipe): nothing
 * of the batch was applied. The caller reads the missing events from the log and applies them
 * first; applying on regardless would lose them for good, since the document would then be at a
 * newer revision than the events still to come.
 */
export class StreamGapError extends Error {
  constructor(readonly gaps: readonly StreamGap[]) {
    super(
      `The read model is missing earlier events of ${gaps.length} stream(s): ` +
        gaps
          .slice(0, 3)
          .map((gap) => `${gap.streamName} is at ${gap.applied}, got ${gap.arrived}`)
          .join('; '),
    );
    this.name = 'StreamGapError';
  }
}

export interface ReadModelWriter {
  /**
   * Applies the events' changes and stores the checkpoint if given, in one step where the store
   * allows it. The read model records the last revision it reflects of every stream: an event at
   * or below it is skipped (delivering an event twice is harmless); the next ones must follow it
   * without a gap, each stream's events in order — otherwise StreamGapError, and nothing of the
   * batch is applied. Resolves to the number of document writes that took effect.
   */
  applyEvents(
    events: readonly ProjectedEvent[],
    checkpoint?: ProjectionCheckpoint,
  ): Promise<number>;
  getCheckpoint(projection: string): Promise<Position | null>;
  /** Drops every document, stream revision and checkpoint, for a rebuild from the event log. */
  clear(): Promise<void>;
  /**
   * A rebuild from the start of the log begins (true) or is over (false). Meanwhile an adapter
   * may trade the cost of queries for write throughput (the embedded one drops its secondary
   * indexes and builds them again at the end); every query still answers correctly.
   */
  setBulkLoading(on: boolean): Promise<void>;
}

/** The stored collections (usage changes write token documents). */
export type ReadModelCollection = Exclude<ReadModelChange['collection'], 'tokenUsage'>;

/** Document changes first, usage after them (see TokenUsageChange). */
export function usageLast(changes: ReadModelChange[]): ReadModelChange[] {
  const usage = changes.filter((change) => change.collection === 'tokenUsage');
  if (usage.length === 0) return changes;
  return [...changes.filter((change) => change.collection !== 'tokenUsage'), ...usage];
}

export const READ_MODEL_COLLECTIONS: readonly ReadModelCollection[] = [
  'tokens',
  'users',
  'projects',
  'memberships',
  'tokenPolicy',
];

/** Whole-model access for operators: comparing a live read model with a fresh replay. */
export interface ReadModelInspection {
  /** Every document of the collection as the queries return it (with `revision`), by id. */
  allDocuments(collection: ReadModelCollection): Promise<Array<{ id: string; doc: object }>>;
}

/** Everything the bearer check needs about a presented token, read together. */
export interface TokenCredential {
  readonly token: TokenRecord;
  /** The token's owner; null when there is no such user document. */
  readonly owner: UserRecord | null;
  /** The token policy; null until an administrator set one. */
  readonly policy: TokenPolicyRecord | null;
}

export interface TokenQueries {
  findTokenByHash(tokenHash: string): Promise<TokenRecord | null>;
  /**
   * The token with this hash with its owner and the policy, or null when no token has it: the
   * one read on every authenticated request, so adapters may answer it from memory as long as
   * the answer is never older than the last change committed to the read model.
   */
  findTokenCredential(tokenHash: string): Promise<TokenCredential | null>;
  findTokenById(tokenId: string): Promise<TokenRecord | null>;
  /** The user's tokens, newest first. */
  listTokensByUser(userId: string): Promise<TokenRecord[]>;
}

export interface UserQueries {
  findUserById(userId: string): Promise<UserRecord | null>;
  findUserByUsernameKey(usernameKey: string): Promise<UserRecord | null>;
  /** Users that are not deleted, in username order. */
  listUsers(): Promise<UserRecord[]>;
  countUsers(): Promise<number>;
}

export interface ProjectQueries {
  findProjectById(projectId: string): Promise<ProjectRecord | null>;
  /** All projects, by name. */
  listProjects(): Promise<ProjectRecord[]>;
  /** The user's current role in the project, or null when not a member. */
  findMembership(projectId: string, userId: string): Promise<MembershipRecord | null>;
  /** The user's current memberships (removed ones left out). */
  listMembershipsOfUser(userId: string): Promise<MembershipRecord[]>;
  /** The project's current members (removed ones left out). */
  listMembersOfProject(projectId: string): Promise<MembershipRecord[]>;
}

export interface TokenPolicyQueries {
  getTokenPolicy(): Promise<TokenPolicyRecord | null>;
}

/**
 * Which event log the read model was built from, so that a service never serves a read model
 * with a log it did not come from (another deployment's, or a replaced one). See LogBindingCheck.
 */
export interface ReadModelLogBinding {
  /** The id of the event log this read model was built from; null for a new (or wiped) read model. */
  readLogBinding(): Promise<string | null>;
  /**
   * Records the log id if none is recorded (atomically: two instances starting at once agree);
   * throws ReadModelBoundToAnotherLogError if a different one is recorded. clear() removes it.
   */
  bindToLog(logId: string): Promise<void>;
  /** For messages: the read model's file path or server address (never a credential). */
  readonly location: string;
}

/**
 * Keyset paging (docs/design/contract.md §10, bounded resources): at most `limit` documents
 * after the one whose sort key is `after` (null: from the start). The store does the limiting;
 * nothing is read whole.
 */
export interface KeysetPage<Key> {
  readonly limit: number;
  readonly after: Key | null;
}

/** Where a token sits in the orders below: by creation instant, ties by id. */
export interface TokenSortKey {
  readonly createdAt: string;
  readonly tokenId: string;
}

/** Where a user sits in username order, ties by id. */
export interface UserSortKey {
  readonly usernameKey: string;
  readonly userId: string;
}

/** What "active" means for a query: the instant, and the policy maximum in force then. */
export interface ActiveAt {
  /** ISO 8601 instant. */
  readonly at: string;
  readonly maxLifetimeDays: number;
}

/**
 * The earliest creation instant (exclusive) of a token still within the policy maximum at the
 * instant: createdAt + maxLifetimeDays > at ⟺ createdAt > at − maxLifetimeDays. ISO strings of
 * one format compare as instants, so the adapters compare strings against this.
 */
export function createdAfterFor(active: ActiveAt): string {
  return new Date(Date.parse(active.at) - active.maxLifetimeDays * DAY_MS).toISOString();
}

/** Paged and counting queries, kept apart from the whole-list ones above. */
export interface BoundedQueries {
  /** The user's tokens, newest first (createdAt, then tokenId, both descending), one page. */
  listTokensOfUserPage(userId: string, page: KeysetPage<TokenSortKey>): Promise<TokenRecord[]>;
  /** Users that are not deleted, in username order (then id), one page. */
  listUsersPage(page: KeysetPage<UserSortKey>): Promise<UserRecord[]>;
  /**
   * How many of the user's tokens are active at `active.at`: not revoked, and with an effective
   * expiry — min(expiresAt, createdAt + maxLifetimeDays) — after it. Tokens created after the
   * instant count too (a clock that went back must not lift the cap).
   */
  countActiveTokensOfUser(userId: string, active: ActiveAt): Promise<number>;
  /**
   * Tokens (of one user, or of all when null) that could authenticate at `active.at`: created at
   * or before it, not revoked at or before it, owner not deleted at or before it, effective
   * expiry under `active.maxLifetimeDays` after it. Oldest first (createdAt, then tokenId).
   */
  listTokensActiveAtPage(
    active: ActiveAt,
    userId: string | null,
    page: KeysetPage<TokenSortKey>,
  ): Promise<TokenRecord[]>;
}

export interface ReadModel
  extends
    ReadModelWriter,
    TokenQueries,
    UserQueries,
    ProjectQueries,
    TokenPolicyQueries,
    BoundedQueries,
    ReadModelInspection,
    ReadModelLogBinding {
  /** Throws when the read model cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const READ_MODEL = Symbol('ReadModel');

/** The read model cannot be reached or read; callers fail closed (503). */
export class ReadModelUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReadModelUnavailableError';
  }
}

/** bindToLog found the read model bound to another event log. */
export class ReadModelBoundToAnotherLogError extends Error {
  constructor(
    readonly boundLogId: string,
    readonly requestedLogId: string,
  ) {
    super(`The read model was built from event log ${boundLogId}, not ${requestedLogId}`);
    this.name = 'ReadModelBoundToAnotherLogError';
  }
}

/**
 * The read model's storage is damaged (SQLite: SQLITE_CORRUPT, SQLITE_NOTADB). Still a
 * ReadModelUnavailableError (503); at start-up it ends the start. Safe to delete: it is rebuilt.
 */
export class ReadModelDamagedError extends ReadModelUnavailableError {
  constructor(
    readonly location: string,
    readonly code: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `The read model ${location} is damaged (${code}: ${detail.replace(/\s+/g, ' ').trim()}): ` +
        'it is safe to delete (with its -wal and -shm files); it is rebuilt from the event log at the next start',
      options,
    );
    this.name = 'ReadModelDamagedError';
  }
}

/**
 * Folds the changes of a batch into one change per document: the highest revision with the
 * fields of every change, later ones winning. Applying the result under the revision guard gives
 * the same document as applying the changes one by one (whatever revision the stored document is
 * at), with one write per document instead of one per event.
 */
export function mergeChanges(changes: readonly ReadModelChange[]): ReadModelChange[] {
  // One map per collection: no composed key to build for each of (up to) 100 000 changes.
  const byCollection = new Map<ReadModelChange['collection'], Map<string, ReadModelChange>>();
  for (const change of changes) {
    let merged = byCollection.get(change.collection);
    if (!merged) {
      merged = new Map();
      byCollection.set(change.collection, merged);
    }
    const previous = merged.get(change.id);
    if (!previous) {
      merged.set(change.id, change);
    } else if (change.revision > previous.revision) {
      merged.set(change.id, {
        ...change,
        set: { ...previous.set, ...change.set },
      } as ReadModelChange);
    }
  }
  return usageLast([...byCollection.values()].flatMap((merged) => [...merged.values()]));
}

/**
 * The events of a batch the read model does not reflect yet, given the revision it reflects of
 * each stream (`appliedOf`, -1 for none), checked for gaps. Shared by the adapters so that they
 * agree on the rule; `appliedOf` is asked once per stream. Revision 0 starts a stream, so it is
 * never a gap and needs no lookup (a stored copy of it is skipped by the document guard).
 */
export function sequenceEvents(
  events: readonly ProjectedEvent[],
  appliedOf: (streamName: string) => number,
): { changes: ReadModelChange[]; advanced: Map<string, number> } {
  const at = new Map<string, number>();
  const advanced = new Map<string, number>();
  const changes: ReadModelChange[] = [];
  const gaps: StreamGap[] = [];
  for (const event of events) {
    let applied = at.get(event.streamName);
    if (applied === undefined) {
      applied = event.revision === 0 ? -1 : appliedOf(event.streamName);
      at.set(event.streamName, applied);
    }
    if (event.revision <= applied) continue;
    if (event.revision !== applied + 1) {
      gaps.push({ streamName: event.streamName, applied, arrived: event.revision });
      continue;
    }
    at.set(event.streamName, event.revision);
    advanced.set(event.streamName, event.revision);
    for (const change of event.changes) changes.push(change);
  }
  if (gaps.length > 0) throw new StreamGapError(gaps);
  return { changes, advanced };
}
