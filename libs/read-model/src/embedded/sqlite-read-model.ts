import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import {
  FileIdentity,
  ensureDirectory,
  isDamagedSqliteCode,
  sqliteErrorCode,
  sqliteErrorHint,
} from '@pat/shared';
import type { Position } from '@pat/event-store';
import {
  ActiveAt,
  KeysetPage,
  TokenSortKey,
  UserSortKey,
  MembershipRecord,
  ProjectRecord,
  ProjectedEvent,
  ProjectionCheckpoint,
  ReadModel,
  ReadModelBoundToAnotherLogError,
  ReadModelCollection,
  ReadModelDamagedError,
  ReadModelUnavailableError,
  TokenCredential,
  TokenPolicyRecord,
  TokenRecord,
  UserRecord,
} from '../read-model.port';
import { DocumentCache } from './document-cache';
import { SqliteChangeWriter } from './sqlite-change-writer';
import { setBulkLoading } from './sqlite-read-model-bulk-load';
import { SqliteReadModelQueries } from './sqlite-read-model-queries';
import { CLEAR_ALL, Collection, openReadModelFile } from './sqlite-read-model-schema';
import { ReadModelStatements, prepareStatements } from './sqlite-read-model-statements';

export interface SqliteReadModelOptions {
  /** Path of the database file, or ':memory:'. */
  readonly filename: string;
  /** Parsed documents kept in memory for reads by id and by token hash (0: none). */
  readonly cacheEntries?: number;
}

/** About 1 KB each: the tokens, owners and policy of the busiest 10 000 callers. */
const DEFAULT_CACHE_ENTRIES = 10_000;

/**
 * The embedded read model: documents as JSON in a SQLite file of their own (so it can be
 * deleted and rebuilt without touching the event log), with the fields queries need copied
 * into indexed columns. A batch of changes and its checkpoint commit in one transaction.
 *
 * One process owns the file: the connection holds an exclusive lock from open to close. No other
 * connection can change the documents behind its back, so reads by id and by token hash are
 * answered from a cache of parsed documents that this connection keeps right by dropping the
 * entries of every document it writes. The lock also spares SQLite the file-lock system calls it
 * would make around every statement, which cost more than the statement itself.
 */
export class SqliteReadModel implements ReadModel {
  /** The absolute path, for messages. */
  readonly location: string;
  private readonly db: Database.Database;
  private closed = false;
  private readonly file: FileIdentity;
  private readonly filename: string;
  private readonly statements: ReadModelStatements;
  private readonly cache: DocumentCache<Collection | 'tokenHash'>;
  private readonly defaultCacheSize: number;
  private readonly writer: SqliteChangeWriter;
  private readonly reads: SqliteReadModelQueries;

  constructor(options: SqliteReadModelOptions) {
    if (options.filename !== ':memory:') ensureDirectory(dirname(options.filename));
    this.location = options.filename === ':memory:' ? ':memory:' : resolve(options.filename);
    this.db = new Database(options.filename);
    this.file = new FileIdentity(options.filename);
    this.filename = options.filename;
    this.cache = new DocumentCache(options.cacheEntries ?? DEFAULT_CACHE_ENTRIES);
    // Waits out a previous owner that is still shutting down.
    this.db.pragma('busy_timeout = 5000');
    // Any statement up to here may be the first to meet another process's lock.
    this.defaultCacheSize = this.refusedIfTaken(options.filename, () =>
      openReadModelFile(this.db, options.filename, this.location),
    );
    this.statements = prepareStatements(this.db);
    this.writer = new SqliteChangeWriter(this.db, this.statements, this.cache);
    this.reads = new SqliteReadModelQueries(this.db, this.statements, this.cache, (work) =>
      this.run(work),
    );
  }

  applyEvents(
    events: readonly ProjectedEvent[],
    checkpoint?: ProjectionCheckpoint,
  ): Promise<number> {
    return this.run(() => this.writer.applyTransaction(events, checkpoint));
  }

  /** A rebuild begins or ends: see setBulkLoading in sqlite-read-model-bulk-load.ts. */
  setBulkLoading(on: boolean): Promise<void> {
    return this.run(() => setBulkLoading(this.db, on, this.defaultCacheSize));
  }

  getCheckpoint(projection: string): Promise<Position | null> {
    return this.run(() => this.statements.queries.checkpoint.get(projection)?.position ?? null);
  }

  clear(): Promise<void> {
    return this.run(() => {
      this.cache.clear();
      this.db.exec(CLEAR_ALL);
    });
  }

  findTokenByHash(tokenHash: string): Promise<TokenRecord | null> {
    return this.reads.findTokenByHash(tokenHash);
  }

  findTokenCredential(tokenHash: string): Promise<TokenCredential | null> {
    return this.reads.findTokenCredential(tokenHash);
  }

  findTokenById(tokenId: string): Promise<TokenRecord | null> {
    return this.reads.findTokenById(tokenId);
  }

  listTokensByUser(userId: string): Promise<TokenRecord[]> {
    return this.reads.listTokensByUser(userId);
  }

  listTokensOfUserPage(userId: string, page: KeysetPage<TokenSortKey>): Promise<TokenRecord[]> {
    return this.reads.listTokensOfUserPage(userId, page);
  }

  listUsersPage(page: KeysetPage<UserSortKey>): Promise<UserRecord[]> {
    return this.reads.listUsersPage(page);
  }

  countActiveTokensOfUser(userId: string, active: ActiveAt): Promise<number> {
    return this.reads.countActiveTokensOfUser(userId, active);
  }

  listTokensActiveAtPage(
    active: ActiveAt,
    userId: string | null,
    page: KeysetPage<TokenSortKey>,
  ): Promise<TokenRecord[]> {
    return this.reads.listTokensActiveAtPage(active, userId, page);
  }

  findUserById(userId: string): Promise<UserRecord | null> {
    return this.reads.findUserById(userId);
  }

  findUserByUsernameKey(usernameKey: string): Promise<UserRecord | null> {
    return this.reads.findUserByUsernameKey(usernameKey);
  }

  listUsers(): Promise<UserRecord[]> {
    return this.reads.listUsers();
  }

  countUsers(): Promise<number> {
    return this.reads.countUsers();
  }

  findProjectById(projectId: string): Promise<ProjectRecord | null> {
    return this.reads.findProjectById(projectId);
  }

  listProjects(): Promise<ProjectRecord[]> {
    return this.reads.listProjects();
  }

  findMembership(projectId: string, userId: string): Promise<MembershipRecord | null> {
    return this.reads.findMembership(projectId, userId);
  }

  listMembershipsOfUser(userId: string): Promise<MembershipRecord[]> {
    return this.reads.listMembershipsOfUser(userId);
  }

  listMembersOfProject(projectId: string): Promise<MembershipRecord[]> {
    return this.reads.listMembersOfProject(projectId);
  }

  getTokenPolicy(): Promise<TokenPolicyRecord | null> {
    return this.reads.getTokenPolicy();
  }

  allDocuments(collection: ReadModelCollection): Promise<Array<{ id: string; doc: object }>> {
    return this.reads.allDocuments(collection);
  }

  async ping(): Promise<void> {
    await this.run(() => this.statements.queries.checkpoint.get('-'));
  }

  readLogBinding(): Promise<string | null> {
    return this.run(() => this.boundLogId());
  }

  /** One process owns the file (see the class comment), so check-then-insert is atomic here. */
  bindToLog(logId: string): Promise<void> {
    return this.run(() =>
      this.db
        .transaction(() => {
          const bound = this.boundLogId();
          if (bound === null) {
            this.db.prepare('INSERT INTO log_binding (singleton, log_id) VALUES (1, ?)').run(logId);
          } else if (bound !== logId) {
            throw new ReadModelBoundToAnotherLogError(bound, logId);
          }
        })
        .immediate(),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private boundLogId(): string | null {
    const id = this.db.prepare('SELECT log_id FROM log_binding WHERE singleton = 1').pluck().get();
    return typeof id === 'string' ? id : null;
  }

  /** Runs the opening statements; another process's lock becomes a clear refusal. */
  private refusedIfTaken<T>(filename: string, open: () => T): T {
    try {
      return open();
    } catch (error) {
      this.db.close();
      const code = sqliteErrorCode(error);
      if (code && /^SQLITE_(BUSY|LOCKED)/.test(code)) {
        throw new ReadModelUnavailableError(
          `The read model ${filename} is open in another process (${code}). The embedded ` +
            'stores serve one API process: stop the other one (or use MONGODB_URI for several ' +
            'instances).',
          { cause: error },
        );
      }
      if (code && isDamagedSqliteCode(code)) {
        throw new ReadModelDamagedError(this.location, code, (error as Error).message, {
          cause: error,
        });
      }
      // Any other refusal is worded by openEmbeddedStore (the volume's state, the code's hint).
      throw error;
    }
  }

  /** Runs a synchronous database call, turning I/O failures into ReadModelUnavailableError. */
  private async run<T>(work: () => T): Promise<T> {
    if (this.closed) throw new ReadModelUnavailableError('The read model is closed');
    if (!this.file.isPresent()) {
      throw new ReadModelUnavailableError('The read model file is missing or was replaced');
    }
    try {
      return work();
    } catch (error) {
      const code = sqliteErrorCode(error);
      if (code && isDamagedSqliteCode(code)) {
        throw new ReadModelDamagedError(this.location, code, (error as Error).message, {
          cause: error,
        });
      }
      if (code) {
        const where = `${sqliteErrorHint(code)} in ${this.filename}`;
        throw new ReadModelUnavailableError(`The read model cannot be used: ${code}${where}`, {
          cause: error,
        });
      }
      throw error;
    }
  }
}
