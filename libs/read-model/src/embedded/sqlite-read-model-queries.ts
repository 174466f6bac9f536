import Database from 'better-sqlite3';
import {
  ActiveAt,
  BoundedQueries,
  KeysetPage,
  MembershipRecord,
  ProjectQueries,
  ProjectRecord,
  ReadModelCollection,
  ReadModelInspection,
  TokenCredential,
  TokenPolicyQueries,
  TokenPolicyRecord,
  TokenQueries,
  TokenRecord,
  TokenSortKey,
  UserQueries,
  UserRecord,
  UserSortKey,
  createdAfterFor,
  membershipId,
} from '../read-model.port';
import type { DocumentCache } from './document-cache';
import { Collection, TABLE } from './sqlite-read-model-schema';
import type { ReadModelStatements } from './sqlite-read-model-statements';

/** Runs a synchronous database call the way the adapter does (see SqliteReadModel.run). */
export type RunSync = <T>(work: () => T) => Promise<T>;

/** The queries of the embedded read model; reads by id and by token hash go through the cache. */
export class SqliteReadModelQueries
  implements
    TokenQueries,
    UserQueries,
    ProjectQueries,
    TokenPolicyQueries,
    BoundedQueries,
    ReadModelInspection
{
  private readonly select: ReadModelStatements['select'];
  private readonly queries: ReadModelStatements['queries'];

  constructor(
    private readonly db: Database.Database,
    statements: ReadModelStatements,
    private readonly cache: DocumentCache<Collection | 'tokenHash'>,
    private readonly run: RunSync,
  ) {
    this.select = statements.select;
    this.queries = statements.queries;
  }

  findTokenByHash(tokenHash: string): Promise<TokenRecord | null> {
    return this.run(() => this.tokenByHash(tokenHash));
  }

  findTokenCredential(tokenHash: string): Promise<TokenCredential | null> {
    return this.run(() => {
      const token = this.tokenByHash(tokenHash);
      if (!token) return null;
      return {
        token,
        owner: this.readDoc<UserRecord>('users', token.userId),
        policy: this.readDoc<TokenPolicyRecord>('tokenPolicy', 'current'),
      };
    });
  }

  findTokenById(tokenId: string): Promise<TokenRecord | null> {
    return this.run(() => this.readDoc<TokenRecord>('tokens', tokenId));
  }

  listTokensByUser(userId: string): Promise<TokenRecord[]> {
    return this.run(() =>
      this.queries.tokensByUser.all(userId).map((row) => JSON.parse(row.doc) as TokenRecord),
    );
  }

  listTokensOfUserPage(userId: string, page: KeysetPage<TokenSortKey>): Promise<TokenRecord[]> {
    // Past every ISO instant: the first page starts at the newest token.
    const after = page.after ?? { createdAt: '\uffff', tokenId: '' };
    return this.run(() =>
      this.queries.tokensOfUserPage
        .all(userId, after.createdAt, after.tokenId, page.limit)
        .map((row) => JSON.parse(row.doc) as TokenRecord),
    );
  }

  listUsersPage(page: KeysetPage<UserSortKey>): Promise<UserRecord[]> {
    const after = page.after ?? { usernameKey: '', userId: '' };
    return this.run(() =>
      this.queries.usersPage
        .all(after.usernameKey, after.userId, page.limit)
        .map((row) => JSON.parse(row.doc) as UserRecord),
    );
  }

  countActiveTokensOfUser(userId: string, active: ActiveAt): Promise<number> {
    return this.run(
      () => this.queries.countActiveOfUser.get(userId, active.at, createdAfterFor(active))?.n ?? 0,
    );
  }

  listTokensActiveAtPage(
    active: ActiveAt,
    userId: string | null,
    page: KeysetPage<TokenSortKey>,
  ): Promise<TokenRecord[]> {
    const params = {
      at: active.at,
      createdAfter: createdAfterFor(active),
      afterCreated: page.after?.createdAt ?? '',
      afterId: page.after?.tokenId ?? '',
      limit: page.limit,
    };
    return this.run(() =>
      (userId === null
        ? this.queries.activeAtPage.all(params)
        : this.queries.activeAtOfUserPage.all({ ...params, userId })
      ).map((row) => JSON.parse(row.doc) as TokenRecord),
    );
  }

  findUserById(userId: string): Promise<UserRecord | null> {
    return this.run(() => this.readDoc<UserRecord>('users', userId));
  }

  findUserByUsernameKey(usernameKey: string): Promise<UserRecord | null> {
    return this.run(() => parseDoc<UserRecord>(this.queries.userByUsername.get(usernameKey)));
  }

  listUsers(): Promise<UserRecord[]> {
    return this.run(() => this.queries.users.all().map((row) => JSON.parse(row.doc) as UserRecord));
  }

  countUsers(): Promise<number> {
    return this.run(() => this.queries.countUsers.get()?.n ?? 0);
  }

  findProjectById(projectId: string): Promise<ProjectRecord | null> {
    return this.run(() => this.readDoc<ProjectRecord>('projects', projectId));
  }

  listProjects(): Promise<ProjectRecord[]> {
    return this.run(() =>
      this.queries.projects.all().map((row) => JSON.parse(row.doc) as ProjectRecord),
    );
  }

  findMembership(projectId: string, userId: string): Promise<MembershipRecord | null> {
    return this.run(() => {
      const membership = this.readDoc<MembershipRecord>(
        'memberships',
        membershipId(projectId, userId),
      );
      return membership && membership.role !== null ? membership : null;
    });
  }

  listMembershipsOfUser(userId: string): Promise<MembershipRecord[]> {
    return this.run(() =>
      this.queries.membershipsOfUser
        .all(userId)
        .map((row) => JSON.parse(row.doc) as MembershipRecord),
    );
  }

  listMembersOfProject(projectId: string): Promise<MembershipRecord[]> {
    return this.run(() =>
      this.queries.membersOfProject
        .all(projectId)
        .map((row) => JSON.parse(row.doc) as MembershipRecord),
    );
  }

  getTokenPolicy(): Promise<TokenPolicyRecord | null> {
    return this.run(() => this.readDoc<TokenPolicyRecord>('tokenPolicy', 'current'));
  }

  allDocuments(collection: ReadModelCollection): Promise<Array<{ id: string; doc: object }>> {
    return this.run(() =>
      this.db
        .prepare<[], { id: string; doc: string }>(
          `SELECT id, doc FROM ${TABLE[collection]} ORDER BY id`,
        )
        .all()
        .map((row) => ({ id: row.id, doc: JSON.parse(row.doc) as object })),
    );
  }

  /** By id, through the cache. */
  private readDoc<T extends object>(collection: Collection, id: string): T | null {
    const cached = this.cache.get<T>(collection, id);
    if (cached !== undefined) return cached;
    return this.cache.set(collection, id, parseDoc<T>(this.select[collection].get(id)));
  }

  /** Through the cache; unknown hashes are not remembered (anyone can present one). */
  private tokenByHash(tokenHash: string): TokenRecord | null {
    const cached = this.cache.get<TokenRecord>('tokenHash', tokenHash);
    if (cached) return cached;
    const token = parseDoc<TokenRecord>(this.queries.tokenByHash.get(tokenHash));
    return token ? this.cache.set('tokenHash', tokenHash, token) : null;
  }
}

function parseDoc<T>(row: { doc: string } | undefined): T | null {
  return row ? (JSON.parse(row.doc) as T) : null;
}
