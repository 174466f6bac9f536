import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { FileIdentity, ensureDirectory, sqliteErrorCode, sqliteErrorHint } from '@pat/shared';
import { ReadModelUnavailableError } from '@pat/read-model';
import type { SessionRecord, SessionStore } from './session-store.port';

interface SessionRow {
  user_id: string;
  created_at: string;
  expires_at: string;
  password_proven_at: string | null;
  password_version: number | null;
}

/** Sessions in their own SQLite file, beside the event log and the read model. */
export class SqliteSessionStore implements SessionStore {
  private readonly db: Database.Database;
  private closed = false;
  private readonly file: FileIdentity;
  private readonly filename: string;
  private readonly statements;

  constructor(options: { filename: string }) {
    if (options.filename !== ':memory:') ensureDirectory(dirname(options.filename));
    this.db = new Database(options.filename);
    this.file = new FileIdentity(options.filename);
    this.filename = options.filename;
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    // A small WAL (4 KiB pages: a checkpoint every 1 MiB), cut back to 1 MiB when reused.
    this.db.pragma('wal_autocheckpoint = 256');
    this.db.pragma(`journal_size_limit = ${1024 * 1024}`);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS sessions (
        id_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id);
    `);
    // Files from before password proofs were recorded gain the columns; their rows read as
    // never proven (NULL) under version 0.
    const columns = new Set(
      this.db
        .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('sessions')")
        .all()
        .map((column) => column.name),
    );
    if (!columns.has('password_proven_at')) {
      this.db.exec('ALTER TABLE sessions ADD COLUMN password_proven_at TEXT');
    }
    if (!columns.has('password_version')) {
      this.db.exec('ALTER TABLE sessions ADD COLUMN password_version INTEGER');
    }
    this.statements = {
      save: this.db.prepare<[string, string, string, string, string | null, number]>(
        `INSERT OR REPLACE INTO sessions
           (id_hash, user_id, created_at, expires_at, password_proven_at, password_version)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      find: this.db.prepare<[string], SessionRow>(
        `SELECT user_id, created_at, expires_at, password_proven_at, password_version
           FROM sessions WHERE id_hash = ?`,
      ),
      markProven: this.db.prepare<[string, number, string]>(
        'UPDATE sessions SET password_proven_at = ?, password_version = ? WHERE id_hash = ?',
      ),
      delete: this.db.prepare<[string]>('DELETE FROM sessions WHERE id_hash = ?'),
      deleteByUser: this.db.prepare<[string]>('DELETE FROM sessions WHERE user_id = ?'),
      deleteByUserExcept: this.db.prepare<[string, string]>(
        'DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?',
      ),
      purgeExpired: this.db.prepare<[string]>('DELETE FROM sessions WHERE expires_at <= ?'),
    };
  }

  async save(idHash: string, session: SessionRecord): Promise<void> {
    this.run(() => {
      this.statements.purgeExpired.run(session.createdAt);
      this.statements.save.run(
        idHash,
        session.userId,
        session.createdAt,
        session.expiresAt,
        session.passwordProvenAt,
        session.passwordVersion,
      );
    });
  }

  async find(idHash: string): Promise<SessionRecord | null> {
    const row = this.run(() => this.statements.find.get(idHash));
    return row
      ? {
          userId: row.user_id,
          createdAt: row.created_at,
          expiresAt: row.expires_at,
          passwordProvenAt: row.password_proven_at ?? null,
          passwordVersion: row.password_version ?? 0,
        }
      : null;
  }

  async markPasswordProven(
    idHash: string,
    provenAt: string,
    passwordVersion: number,
  ): Promise<boolean> {
    return this.run(
      () => this.statements.markProven.run(provenAt, passwordVersion, idHash).changes > 0,
    );
  }

  async deleteByUserExcept(userId: string, keepIdHash: string): Promise<void> {
    this.run(() => this.statements.deleteByUserExcept.run(userId, keepIdHash));
  }

  async delete(idHash: string): Promise<void> {
    this.run(() => this.statements.delete.run(idHash));
  }

  async deleteByUser(userId: string): Promise<void> {
    this.run(() => this.statements.deleteByUser.run(userId));
  }

  async ping(): Promise<void> {
    this.run(() => this.statements.find.get(''));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private run<T>(work: () => T): T {
    if (this.closed) throw new ReadModelUnavailableError('The session store is closed');
    if (!this.file.isPresent()) {
      throw new ReadModelUnavailableError('The session store file is missing or was replaced');
    }
    try {
      return work();
    } catch (error) {
      const code = sqliteErrorCode(error);
      if (code) {
        const where = `${sqliteErrorHint(code)} in ${this.filename}`;
        throw new ReadModelUnavailableError(`The session store cannot be used: ${code}${where}`, {
          cause: error,
        });
      }
      throw error;
    }
  }
}
