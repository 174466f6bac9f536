import { DAY_MS } from '@pat/shared/time';
import type {
  MembershipRecord,
  ProjectRecord,
  ReadModelCollection,
  TokenPolicyRecord,
  TokenRecord,
  UserRecord,
} from './read-model-records';

/**
 * The query ports (docs/adr/0004, step 1): each context's queries under its own injection token,
 * provided by the read model adapter itself (`useExisting: READ_MODEL`), so that a consumer's
 * constructor says what it reads. READ_MODEL, the whole, is for the writer, the log binding,
 * store health and the operator commands.
 */
export const TOKEN_QUERIES = Symbol('TokenQueries');
export const USER_QUERIES = Symbol('UserQueries');
export const PROJECT_QUERIES = Symbol('ProjectQueries');
export const TOKEN_POLICY_QUERIES = Symbol('TokenPolicyQueries');
export const READ_MODEL_INSPECTION = Symbol('ReadModelInspection');

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

/** TOKEN_QUERIES: the token documents, with the paged and counting token queries below. */
export interface TokenQueries extends BoundedTokenQueries {
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

/** USER_QUERIES. */
export interface UserQueries extends BoundedUserQueries {
  findUserById(userId: string): Promise<UserRecord | null>;
  findUserByUsernameKey(usernameKey: string): Promise<UserRecord | null>;
  /** Users that are not deleted, in username order. */
  listUsers(): Promise<UserRecord[]>;
  countUsers(): Promise<number>;
}

/** PROJECT_QUERIES: projects and their memberships. */
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

/** TOKEN_POLICY_QUERIES. */
export interface TokenPolicyQueries {
  getTokenPolicy(): Promise<TokenPolicyRecord | null>;
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

/** Paged and counting token queries, kept apart from the whole-list ones (part of TokenQueries). */
export interface BoundedTokenQueries {
  /** The user's tokens, newest first (createdAt, then tokenId, both descending), one page. */
  listTokensOfUserPage(userId: string, page: KeysetPage<TokenSortKey>): Promise<TokenRecord[]>;
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

/** The paged user query (part of UserQueries). */
export interface BoundedUserQueries {
  /** Users that are not deleted, in username order (then id), one page. */
  listUsersPage(page: KeysetPage<UserSortKey>): Promise<UserRecord[]>;
}

/** Every paged and counting query, as the adapters implement them. */
export interface BoundedQueries extends BoundedTokenQueries, BoundedUserQueries {}
