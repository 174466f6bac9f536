import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import {
  FULL_CHECK_MAX_BYTES,
  FileIdentity,
  ensureDirectory,
  fileBytes,
  isDamagedSqliteCode,
  sqliteErrorCode,
  sqliteErrorHint,
} from '@pat/shared';
import type { Position } from '@pat/event-store';
import {
  ActiveAt,
  createdAfterFor,
  KeysetPage,
  TokenSortKey,
  UserSortKey,
  MembershipRecord,
  ProjectRecord,
  membershipId,
  mergeChanges,
  ProjectedEvent,
  ProjectionCheckpoint,
  ReadModel,
  ReadModelBoundToAnotherLogError,
  ReadModelCollection,
  ReadModelChange,
  ReadModelDamagedError,
  ReadModelUnavailableError,
  sequenceEvents,
  TokenCredential,
  TokenPolicyRecord,
  TokenRecord,
  TokenUsageChange,
  UserRecord,
} from '../read-model.port';
import { DocumentCache } from './document-cache';

export interface SqliteReadModelOptions {
  /** Path of the database file, or ':memory:'. */
  readonly filename: string;
  /** Parsed documents kept in memory for reads by id and by token hash (0: none). */
  readonly cacheEntries?: number;
}

/** About 1 KB each: the tokens, owners and policy of the busiest 10 000 callers. */
const DEFAULT_CACHE_ENTRIES = 10_000;

type Collection = ReadModelCollection;

/** Columns the queries filter or sort on, copied out of each JSON document. */
const INDEXED: Record<Collection, Record<string, string>> = {
  tokens: {
    token_hash: 'tokenHash',
    user_id: 'userId',
    created_at: 'createdAt',
    expires_at: 'expiresAt',
    revoked_at: 'revokedAt',
  },
  users: { username_key: 'usernameKey', deleted_at: 'deletedAt' },
  projects: { name: 'name' },
  memberships: { project_id: 'projectId', user_id: 'userId', role: 'role' },
  tokenPolicy: {},
};

const INDEXED_FIELDS = Object.fromEntries(
  Object.entries(INDEXED).map(([collection, columns]) => [collection, Object.values(columns)]),
) as Record<Collection, string[]>;

const TABLE: Record<Collection, string> = {
  tokens: 'tokens',
  users: 'users',
  projects: 'projects',
  memberships: 'memberships',
  tokenPolicy: 'token_policy',
};

/** What the queries other than by id need; dropped during a bulk load, built again after it. */
const SECONDARY_INDEXES = `
  CREATE UNIQUE INDEX IF NOT EXISTS tokens_by_hash ON tokens (token_hash);
  CREATE INDEX IF NOT EXISTS tokens_by_user ON tokens (user_id, created_at DESC);
  CREATE INDEX IF NOT EXISTS users_by_username ON users (username_key);
  CREATE INDEX IF NOT EXISTS tokens_by_user_page ON tokens (user_id, created_at, id);
  CREATE INDEX IF NOT EXISTS tokens_by_created ON tokens (created_at, id);
  CREATE INDEX IF NOT EXISTS users_in_order ON users (username_key, id);
  CREATE INDEX IF NOT EXISTS memberships_by_user ON memberships (user_id, project_id);
  CREATE INDEX IF NOT EXISTS memberships_by_project ON memberships (project_id, user_id);
`;
const CLEAR_ALL = `DELETE FROM tokens; DELETE FROM users; DELETE FROM projects;
  DELETE FROM memberships; DELETE FROM token_policy; DELETE FROM stream_revisions;
  DELETE FROM checkpoints; DELETE FROM log_binding;`;

/** WAL bound: a checkpoint once it holds 128 pages of 16 KiB, cut back to 2 MiB when reused. */
const WAL_AUTOCHECKPOINT_PAGES = 128;
const WAL_SIZE_LIMIT_BYTES = 2 * 1024 * 1024;

/** SQLite page cache while bulk loading, KiB (negative: a size, not a page count). */
const BULK_CACHE_KIB = -256 * 1024;
const SECONDARY_INDEX_NAMES = [...SECONDARY_INDEXES.matchAll(/EXISTS (\w+) ON/g)].map((m) => m[1]);

interface StoredRow {
  revision: number;
  doc: string;
}

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
  private readonly select: Record<Collection, Database.Statement<[string], StoredRow>>;
  private readonly upsert: Record<Collection, Database.Statement<unknown[]>>;
  private readonly queries;
  private readonly cache: DocumentCache<Collection | 'tokenHash'>;
  private readonly defaultCacheSize: number;
  private readonly applyTransaction: (
    events: readonly ProjectedEvent[],
    checkpoint?: ProjectionCheckpoint,
  ) => number;

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
    this.defaultCacheSize = this.refusedIfTaken(options.filename, () => {
      // Takes effect for a new file only: larger pages make bulk loads and documents cheaper.
      this.db.pragma('page_size = 16384');
      // Before WAL mode: then the WAL index lives in this process's memory, not shared memory.
      this.db.pragma('locking_mode = EXCLUSIVE');
      // Takes the lock now (SQLite would on first write), so a second owner fails at start.
      this.db.exec('BEGIN EXCLUSIVE; COMMIT');
      this.db.pragma('journal_mode = WAL');
      this.checkIntegrity(options.filename);
      // Rebuildable from the log, so a lost last transaction on power failure is acceptable.
      this.db.pragma('synchronous = NORMAL');
      // With 16 KiB pages SQLite's default (a checkpoint every 1000 pages) lets the WAL reach
      // 16 MiB; this keeps it near 2 MiB, and cuts it back to that when it is reused.
      this.db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      this.db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS tokens (
          id TEXT PRIMARY KEY, revision INTEGER NOT NULL, doc TEXT NOT NULL,
          token_hash TEXT, user_id TEXT, created_at TEXT, expires_at TEXT, revoked_at TEXT
        );
        CREATE TABLE IF NOT EXISTS users (
          id TEXT PRIMARY KEY, revision INTEGER NOT NULL, doc TEXT NOT NULL,
          username_key TEXT, deleted_at TEXT
        );
        CREATE TABLE IF NOT EXISTS projects (
          id TEXT PRIMARY KEY, revision INTEGER NOT NULL, doc TEXT NOT NULL, name TEXT
        );
        CREATE TABLE IF NOT EXISTS memberships (
          id TEXT PRIMARY KEY, revision INTEGER NOT NULL, doc TEXT NOT NULL,
          project_id TEXT, user_id TEXT, role TEXT
        );
        CREATE TABLE IF NOT EXISTS token_policy (
          id TEXT PRIMARY KEY, revision INTEGER NOT NULL, doc TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS stream_revisions (
          stream TEXT PRIMARY KEY, revision INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS checkpoints (
          projection TEXT PRIMARY KEY, position TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS bulk_loading (since TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS log_binding (
          singleton INTEGER PRIMARY KEY CHECK (singleton = 1), log_id TEXT NOT NULL
        );
      `);
      // A rebuild that stopped half way ran without syncs to disk, so none of it is trusted: it
      // starts again from the beginning of the log.
      if (this.db.prepare('SELECT COUNT(*) FROM bulk_loading').pluck().get() !== 0) {
        this.db.exec(`${CLEAR_ALL} DELETE FROM bulk_loading;`);
      }
      this.addTokenColumns();
      this.db.exec(SECONDARY_INDEXES);
      return this.db.pragma('cache_size', { simple: true }) as number;
    });

    const collections = Object.keys(TABLE) as Collection[];
    this.select = Object.fromEntries(
      collections.map((c) => [
        c,
        this.db.prepare(`SELECT revision, doc FROM ${TABLE[c]} WHERE id = ?`),
      ]),
    ) as Record<Collection, Database.Statement<[string], StoredRow>>;
    this.upsert = Object.fromEntries(
      collections.map((c) => {
        const columns = ['id', 'revision', 'doc', ...Object.keys(INDEXED[c])];
        const updates = columns.slice(1).map((col) => `${col} = excluded.${col}`);
        return [
          c,
          this.db.prepare(
            `INSERT INTO ${TABLE[c]} (${columns.join(', ')})
             VALUES (${columns.map(() => '?').join(', ')})
             ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}
             WHERE excluded.revision > ${TABLE[c]}.revision`,
          ),
        ];
      }),
    ) as Record<Collection, Database.Statement<unknown[]>>;

    this.queries = {
      tokenByHash: this.db.prepare<[string], { doc: string }>(
        'SELECT doc FROM tokens WHERE token_hash = ?',
      ),
      tokensByUser: this.db.prepare<[string], { doc: string }>(
        'SELECT doc FROM tokens WHERE user_id = ? ORDER BY created_at DESC, id DESC',
      ),
      userByUsername: this.db.prepare<[string], { doc: string }>(
        'SELECT doc FROM users WHERE username_key = ? AND deleted_at IS NULL',
      ),
      users: this.db.prepare<[], { doc: string }>(
        'SELECT doc FROM users WHERE deleted_at IS NULL ORDER BY username_key',
      ),
      countUsers: this.db.prepare<[], { n: number }>(
        'SELECT COUNT(*) AS n FROM users WHERE deleted_at IS NULL',
      ),
      projects: this.db.prepare<[], { doc: string }>(
        'SELECT doc FROM projects ORDER BY name COLLATE NOCASE, id',
      ),
      membershipsOfUser: this.db.prepare<[string], { doc: string }>(
        'SELECT doc FROM memberships WHERE user_id = ? AND role IS NOT NULL ORDER BY project_id',
      ),
      membersOfProject: this.db.prepare<[string], { doc: string }>(
        'SELECT doc FROM memberships WHERE project_id = ? AND role IS NOT NULL ORDER BY user_id',
      ),
      // Keyset pages: the row value comparison walks the index from the cursor on.
      tokensOfUserPage: this.db.prepare<[string, string, string, number], { doc: string }>(
        `SELECT doc FROM tokens WHERE user_id = ? AND (created_at, id) < (?, ?)
         ORDER BY created_at DESC, id DESC LIMIT ?`,
      ),
      usersPage: this.db.prepare<[string, string, number], { doc: string }>(
        `SELECT doc FROM users WHERE deleted_at IS NULL AND (username_key, id) > (?, ?)
         ORDER BY username_key, id LIMIT ?`,
      ),
      countActiveOfUser: this.db.prepare<[string, string, string], { n: number }>(
        `SELECT COUNT(*) AS n FROM tokens WHERE user_id = ? AND revoked_at IS NULL
           AND expires_at > ? AND created_at > ?`,
      ),
      activeAtPage: this.db.prepare<
        [
          {
            at: string;
            createdAfter: string;
            afterCreated: string;
            afterId: string;
            limit: number;
          },
        ],
        { doc: string }
      >(
        `SELECT t.doc FROM tokens t LEFT JOIN users u ON u.id = t.user_id
         WHERE t.created_at > @createdAfter AND t.created_at <= @at AND t.expires_at > @at
           AND (t.revoked_at IS NULL OR t.revoked_at > @at)
           AND (u.deleted_at IS NULL OR u.deleted_at > @at)
           AND (t.created_at, t.id) > (@afterCreated, @afterId)
         ORDER BY t.created_at, t.id LIMIT @limit`,
      ),
      activeAtOfUserPage: this.db.prepare<
        [
          {
            userId: string;
            at: string;
            createdAfter: string;
            afterCreated: string;
            afterId: string;
            limit: number;
          },
        ],
        { doc: string }
      >(
        `SELECT t.doc FROM tokens t LEFT JOIN users u ON u.id = t.user_id
         WHERE t.user_id = @userId AND t.created_at > @createdAfter AND t.created_at <= @at
           AND t.expires_at > @at AND (t.revoked_at IS NULL OR t.revoked_at > @at)
           AND (u.deleted_at IS NULL OR u.deleted_at > @at)
           AND (t.created_at, t.id) > (@afterCreated, @afterId)
         ORDER BY t.created_at, t.id LIMIT @limit`,
      ),
      checkpoint: this.db.prepare<[string], { position: string }>(
        'SELECT position FROM checkpoints WHERE projection = ?',
      ),
      streamRevision: this.db.prepare<[string], { revision: number }>(
        'SELECT revision FROM stream_revisions WHERE stream = ?',
      ),
      // Never backwards: a late duplicate of an earlier batch must not move a stream back.
      advanceStream: this.db.prepare<[string, number]>(
        `INSERT INTO stream_revisions (stream, revision) VALUES (?, ?)
         ON CONFLICT (stream) DO UPDATE SET revision = MAX(revision, excluded.revision)`,
      ),
      // The last-used fields are in no indexed column: the document alone changes.
      updateTokenDoc: this.db.prepare<[string, string]>('UPDATE tokens SET doc = ? WHERE id = ?'),
      storeCheckpoint: this.db.prepare<[string, string]>(
        `INSERT INTO checkpoints (projection, position) VALUES (?, ?)
         ON CONFLICT (projection) DO UPDATE SET position = excluded.position`,
      ),
    };

    this.applyTransaction = this.db.transaction(
      (events: readonly ProjectedEvent[], checkpoint?: ProjectionCheckpoint) => {
        // A gap throws before anything is written; the transaction leaves no trace of it.
        const { changes, advanced } = sequenceEvents(
          events,
          (stream) => this.queries.streamRevision.get(stream)?.revision ?? -1,
        );
        let applied = 0;
        for (const change of mergeChanges(changes)) applied += this.applyOne(change);
        for (const [stream, revision] of advanced) this.queries.advanceStream.run(stream, revision);
        if (checkpoint) {
          this.queries.storeCheckpoint.run(checkpoint.projection, checkpoint.position);
        }
        return applied;
      },
    );
  }

  applyEvents(
    events: readonly ProjectedEvent[],
    checkpoint?: ProjectionCheckpoint,
  ): Promise<number> {
    return this.run(() => this.applyTransaction(events, checkpoint));
  }

  /**
   * During a rebuild every batch would update five secondary B-trees at random places; instead
   * the indexes go, and come back built in one sorted pass at the end, and nothing waits for
   * the disk until then. A marker row makes the next open discard a bulk load that was cut off.
   */
  setBulkLoading(on: boolean): Promise<void> {
    return this.run(() => {
      const loading = this.db.prepare('SELECT COUNT(*) FROM bulk_loading').pluck().get() !== 0;
      if (on && !loading) {
        this.db.transaction(() => {
          this.db
            .prepare('INSERT INTO bulk_loading (since) VALUES (?)')
            .run(new Date().toISOString());
          for (const name of SECONDARY_INDEX_NAMES) this.db.exec(`DROP INDEX IF EXISTS ${name}`);
        })();
        // Room for the pages of a bulk batch, so they are written once at commit (about 100 MB
        // for 100 000 events); handed back afterwards.
        this.db.pragma(`cache_size = ${BULK_CACHE_KIB}`);
        // No waiting for the disk meanwhile: an interrupted bulk load is discarded (see open).
        this.db.pragma('synchronous = OFF');
      } else if (!on && loading) {
        this.db.pragma('synchronous = NORMAL');
        this.db.exec(SECONDARY_INDEXES);
        // Everything written without syncs reaches the disk, synced, before the marker goes.
        this.db.pragma('wal_checkpoint(TRUNCATE)');
        this.db.exec('DELETE FROM bulk_loading');
        this.db.pragma(`cache_size = ${this.defaultCacheSize}`);
      }
    });
  }

  getCheckpoint(projection: string): Promise<Position | null> {
    return this.run(() => this.queries.checkpoint.get(projection)?.position ?? null);
  }

  clear(): Promise<void> {
    return this.run(() => {
      this.cache.clear();
      this.db.exec(CLEAR_ALL);
    });
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

  async ping(): Promise<void> {
    await this.run(() => this.queries.checkpoint.get('-'));
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

  /**
   * A file made before the paged and counting queries lacks two token columns: they are added
   * and filled from the documents, once, so an existing read model needs no rebuild.
   */
  private addTokenColumns(): void {
    const columns = new Set(
      (this.db.pragma('table_info(tokens)') as Array<{ name: string }>).map((c) => c.name),
    );
    const missing = (['expires_at', 'revoked_at'] as const).filter((c) => !columns.has(c));
    if (missing.length === 0) return;
    this.db.transaction(() => {
      for (const column of missing) this.db.exec(`ALTER TABLE tokens ADD COLUMN ${column} TEXT`);
      this.db.exec(
        `UPDATE tokens SET expires_at = json_extract(doc, '$.expiresAt'),
           revoked_at = json_extract(doc, '$.revokedAt')`,
      );
    })();
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

  private boundLogId(): string | null {
    const id = this.db.prepare('SELECT log_id FROM log_binding WHERE singleton = 1').pluck().get();
    return typeof id === 'string' ? id : null;
  }

  /**
   * A damaged file is refused at open (its message says it is safe to delete) rather than met by
   * some later query. quick_check reads every page: done up to FULL_CHECK_MAX_BYTES, where it
   * takes well under a second; a bigger file is checked by the reads that meet a bad page.
   */
  private checkIntegrity(filename: string): void {
    if (filename === ':memory:') return;
    if (fileBytes(filename) + fileBytes(`${filename}-wal`) > FULL_CHECK_MAX_BYTES) return;
    const [first] = this.db.pragma('quick_check(1)') as Array<{ quick_check: string }>;
    if (first && first.quick_check !== 'ok') {
      throw new ReadModelDamagedError(this.location, 'SQLITE_CORRUPT', first.quick_check);
    }
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

  private applyOne(change: ReadModelChange): number {
    if (change.collection === 'tokenUsage') return this.applyUsage(change);
    // Revision 0 is the first event of the document's stream: no earlier version can exist, and
    // a stored one is this same change delivered again, which the upsert's guard skips. (Most
    // changes of a rebuild are such; it saves a lookup each.)
    const current =
      change.revision === 0 ? undefined : this.select[change.collection].get(change.id);
    if (current && current.revision >= change.revision) return 0;
    const base = current ? (JSON.parse(current.doc) as Record<string, unknown>) : {};
    const doc: Record<string, unknown> = { ...base, ...change.set, revision: change.revision };
    // Dropped before the write: if the transaction rolls back, the next read reloads.
    this.cache.delete(change.collection, change.id);
    if (typeof base.tokenHash === 'string') this.cache.delete('tokenHash', base.tokenHash);
    if (typeof doc.tokenHash === 'string') this.cache.delete('tokenHash', doc.tokenHash);
    const indexed = INDEXED_FIELDS[change.collection].map((field) => doc[field] ?? null);
    return this.upsert[change.collection].run(
      change.id,
      change.revision,
      JSON.stringify(doc),
      ...indexed,
    ).changes;
  }

  /** A use from the token's usage stream, on the token document (see TokenUsageChange). */
  private applyUsage(change: TokenUsageChange): number {
    const current = this.select.tokens.get(change.id);
    if (!current) return 0;
    const base = JSON.parse(current.doc) as TokenRecord;
    if ((base.usageRevision ?? -1) >= change.revision) return 0;
    const doc: TokenRecord = { ...base, ...change.set, usageRevision: change.revision };
    this.cache.delete('tokens', change.id);
    this.cache.delete('tokenHash', base.tokenHash);
    return this.queries.updateTokenDoc.run(JSON.stringify(doc), change.id).changes;
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

function parseDoc<T>(row: { doc: string } | undefined): T | null {
  return row ? (JSON.parse(row.doc) as T) : null;
}
