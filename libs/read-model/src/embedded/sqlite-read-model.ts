import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { FileIdentity } from '@pat/shared';
import type { Position } from '@pat/event-store';
import {
  MembershipRecord,
  ProjectRecord,
  membershipId,
  mergeChanges,
  ProjectionCheckpoint,
  ReadModel,
  ReadModelCollection,
  ReadModelChange,
  ReadModelUnavailableError,
  TokenPolicyRecord,
  TokenRecord,
  UserRecord,
} from '../read-model.port';

export interface SqliteReadModelOptions {
  /** Path of the database file, or ':memory:'. */
  readonly filename: string;
}

type Collection = ReadModelChange['collection'];

/** Columns the queries filter or sort on, copied out of each JSON document. */
const INDEXED: Record<Collection, Record<string, string>> = {
  tokens: { token_hash: 'tokenHash', user_id: 'userId', created_at: 'createdAt' },
  users: { username_key: 'usernameKey', deleted_at: 'deletedAt' },
  projects: { name: 'name' },
  memberships: { project_id: 'projectId', user_id: 'userId', role: 'role' },
  tokenPolicy: {},
};

const TABLE: Record<Collection, string> = {
  tokens: 'tokens',
  users: 'users',
  projects: 'projects',
  memberships: 'memberships',
  tokenPolicy: 'token_policy',
};

interface StoredRow {
  revision: number;
  doc: string;
}

/**
 * The embedded read model: documents as JSON in a SQLite file of their own (so it can be
 * deleted and rebuilt without touching the event log), with the fields queries need copied
 * into indexed columns. A batch of changes and its checkpoint commit in one transaction.
 */
export class SqliteReadModel implements ReadModel {
  private readonly db: Database.Database;
  private closed = false;
  private readonly file: FileIdentity;
  private readonly select: Record<Collection, Database.Statement<[string], StoredRow>>;
  private readonly upsert: Record<Collection, Database.Statement<unknown[]>>;
  private readonly queries;
  private readonly applyTransaction: (
    changes: readonly ReadModelChange[],
    checkpoint?: ProjectionCheckpoint,
  ) => number;

  constructor(options: SqliteReadModelOptions) {
    if (options.filename !== ':memory:') mkdirSync(dirname(options.filename), { recursive: true });
    this.db = new Database(options.filename);
    this.file = new FileIdentity(options.filename);
    this.db.pragma('journal_mode = WAL');
    // Rebuildable from the log, so a lost last transaction on power failure is acceptable.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS tokens (
        id TEXT PRIMARY KEY, revision INTEGER NOT NULL, doc TEXT NOT NULL,
        token_hash TEXT, user_id TEXT, created_at TEXT
      );
      CREATE UNIQUE INDEX IF NOT EXISTS tokens_by_hash ON tokens (token_hash);
      CREATE INDEX IF NOT EXISTS tokens_by_user ON tokens (user_id, created_at DESC);
      CREATE TABLE IF NOT EXISTS users (
        id TEXT PRIMARY KEY, revision INTEGER NOT NULL, doc TEXT NOT NULL,
        username_key TEXT, deleted_at TEXT
      );
      CREATE INDEX IF NOT EXISTS users_by_username ON users (username_key);
      CREATE TABLE IF NOT EXISTS projects (
        id TEXT PRIMARY KEY, revision INTEGER NOT NULL, doc TEXT NOT NULL, name TEXT
      );
      CREATE TABLE IF NOT EXISTS memberships (
        id TEXT PRIMARY KEY, revision INTEGER NOT NULL, doc TEXT NOT NULL,
        project_id TEXT, user_id TEXT, role TEXT
      );
      CREATE INDEX IF NOT EXISTS memberships_by_user ON memberships (user_id, project_id);
      CREATE INDEX IF NOT EXISTS memberships_by_project ON memberships (project_id, user_id);
      CREATE TABLE IF NOT EXISTS token_policy (
        id TEXT PRIMARY KEY, revision INTEGER NOT NULL, doc TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS checkpoints (
        projection TEXT PRIMARY KEY, position TEXT NOT NULL
      );
    `);

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
      checkpoint: this.db.prepare<[string], { position: string }>(
        'SELECT position FROM checkpoints WHERE projection = ?',
      ),
      storeCheckpoint: this.db.prepare<[string, string]>(
        `INSERT INTO checkpoints (projection, position) VALUES (?, ?)
         ON CONFLICT (projection) DO UPDATE SET position = excluded.position`,
      ),
    };

    this.applyTransaction = this.db.transaction(
      (changes: readonly ReadModelChange[], checkpoint?: ProjectionCheckpoint) => {
        let applied = 0;
        for (const change of mergeChanges(changes)) applied += this.applyOne(change);
        if (checkpoint) {
          this.queries.storeCheckpoint.run(checkpoint.projection, checkpoint.position);
        }
        return applied;
      },
    );
  }

  applyChanges(
    changes: readonly ReadModelChange[],
    checkpoint?: ProjectionCheckpoint,
  ): Promise<number> {
    return this.run(() => this.applyTransaction(changes, checkpoint));
  }

  getCheckpoint(projection: string): Promise<Position | null> {
    return this.run(() => this.queries.checkpoint.get(projection)?.position ?? null);
  }

  clear(): Promise<void> {
    return this.run(() => {
      this.db.exec(
        `DELETE FROM tokens; DELETE FROM users; DELETE FROM projects; DELETE FROM memberships;
         DELETE FROM token_policy; DELETE FROM checkpoints;`,
      );
    });
  }

  findTokenByHash(tokenHash: string): Promise<TokenRecord | null> {
    return this.run(() => parseDoc<TokenRecord>(this.queries.tokenByHash.get(tokenHash)));
  }

  findTokenById(tokenId: string): Promise<TokenRecord | null> {
    return this.run(() => this.readDoc<TokenRecord>('tokens', tokenId));
  }

  listTokensByUser(userId: string): Promise<TokenRecord[]> {
    return this.run(() =>
      this.queries.tokensByUser.all(userId).map((row) => JSON.parse(row.doc) as TokenRecord),
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private readDoc<T>(collection: Collection, id: string): T | null {
    return parseDoc<T>(this.select[collection].get(id));
  }

  private applyOne(change: ReadModelChange): number {
    const current = this.select[change.collection].get(change.id);
    if (current && current.revision >= change.revision) return 0;
    const base = current ? (JSON.parse(current.doc) as Record<string, unknown>) : {};
    const doc: Record<string, unknown> = { ...base, ...change.set, revision: change.revision };
    const indexed = Object.values(INDEXED[change.collection]).map((field) => doc[field] ?? null);
    return this.upsert[change.collection].run(
      change.id,
      change.revision,
      JSON.stringify(doc),
      ...indexed,
    ).changes;
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
      if (error instanceof Database.SqliteError) {
        throw new ReadModelUnavailableError(`The read model cannot be used: ${error.code}`, {
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
