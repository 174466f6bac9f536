import Database from 'better-sqlite3';
import { FULL_CHECK_MAX_BYTES, fileBytes } from '@pat/shared';
import { ReadModelCollection, ReadModelDamagedError } from '../read-model.port';
import { SECONDARY_INDEXES } from './sqlite-read-model-bulk-load';

/**
 * The embedded read model's file: its tables and the columns copied out of the documents, and
 * what opening it does (settings, integrity check, tables, the one migration).
 */

export type Collection = ReadModelCollection;

/** Columns the queries filter or sort on, copied out of each JSON document. */
export const INDEXED: Record<Collection, Record<string, string>> = {
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

export const INDEXED_FIELDS = Object.fromEntries(
  Object.entries(INDEXED).map(([collection, columns]) => [collection, Object.values(columns)]),
) as Record<Collection, string[]>;

export const TABLE: Record<Collection, string> = {
  tokens: 'tokens',
  users: 'users',
  projects: 'projects',
  memberships: 'memberships',
  tokenPolicy: 'token_policy',
};

export const CLEAR_ALL = `DELETE FROM tokens; DELETE FROM users; DELETE FROM projects;
  DELETE FROM memberships; DELETE FROM token_policy; DELETE FROM stream_revisions;
  DELETE FROM checkpoints; DELETE FROM log_binding;`;

/** WAL bound: a checkpoint once it holds 128 pages of 16 KiB, cut back to 2 MiB when reused. */
const WAL_AUTOCHECKPOINT_PAGES = 128;
const WAL_SIZE_LIMIT_BYTES = 2 * 1024 * 1024;

/**
 * The opening statements, run by the adapter under its refusal handling (another owner's lock,
 * a damaged file). Returns SQLite's default page-cache size, which a bulk load raises and hands
 * back afterwards.
 */
export function openReadModelFile(
  db: Database.Database,
  filename: string,
  location: string,
): number {
  // Takes effect for a new file only: larger pages make bulk loads and documents cheaper.
  db.pragma('page_size = 16384');
  // Before WAL mode: then the WAL index lives in this process's memory, not shared memory.
  db.pragma('locking_mode = EXCLUSIVE');
  // Takes the lock now (SQLite would on first write), so a second owner fails at start.
  db.exec('BEGIN EXCLUSIVE; COMMIT');
  db.pragma('journal_mode = WAL');
  checkIntegrity(db, filename, location);
  // Rebuildable from the log, so a lost last transaction on power failure is acceptable.
  db.pragma('synchronous = NORMAL');
  // With 16 KiB pages SQLite's default (a checkpoint every 1000 pages) lets the WAL reach
  // 16 MiB; this keeps it near 2 MiB, and cuts it back to that when it is reused.
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  db.exec(`
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
  if (db.prepare('SELECT COUNT(*) FROM bulk_loading').pluck().get() !== 0) {
    db.exec(`${CLEAR_ALL} DELETE FROM bulk_loading;`);
  }
  addTokenColumns(db);
  db.exec(SECONDARY_INDEXES);
  return db.pragma('cache_size', { simple: true }) as number;
}

/**
 * A damaged file is refused at open (its message says it is safe to delete) rather than met by
 * some later query. quick_check reads every page: done up to FULL_CHECK_MAX_BYTES, where it
 * takes well under a second; a bigger file is checked by the reads that meet a bad page.
 */
function checkIntegrity(db: Database.Database, filename: string, location: string): void {
  if (filename === ':memory:') return;
  if (fileBytes(filename) + fileBytes(`${filename}-wal`) > FULL_CHECK_MAX_BYTES) return;
  const [first] = db.pragma('quick_check(1)') as Array<{ quick_check: string }>;
  if (first && first.quick_check !== 'ok') {
    throw new ReadModelDamagedError(location, 'SQLITE_CORRUPT', first.quick_check);
  }
}

/**
 * A file made before the paged and counting queries lacks two token columns: they are added
 * and filled from the documents, once, so an existing read model needs no rebuild.
 */
function addTokenColumns(db: Database.Database): void {
  const columns = new Set(
    (db.pragma('table_info(tokens)') as Array<{ name: string }>).map((c) => c.name),
  );
  const missing = (['expires_at', 'revoked_at'] as const).filter((c) => !columns.has(c));
  if (missing.length === 0) return;
  db.transaction(() => {
    for (const column of missing) db.exec(`ALTER TABLE tokens ADD COLUMN ${column} TEXT`);
    db.exec(
      `UPDATE tokens SET expires_at = json_extract(doc, '$.expiresAt'),
           revoked_at = json_extract(doc, '$.revokedAt')`,
    );
  })();
}
