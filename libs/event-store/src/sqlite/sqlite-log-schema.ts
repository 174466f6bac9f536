import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { sqliteErrorCode } from '@pat/shared';
import type { EventMetadata } from '@pat/shared';
import {
  ExpectedRevision,
  NewEvent,
  Position,
  RecordedEvent,
  WrongExpectedRevisionError,
} from '../event-store.port';

/**
 * The SQLite log's tables: the events with their identity, the statements appends and reads
 * use, and the small tables beside them (the write probe's row, process-manager checkpoints).
 */

export interface EventRow {
  position: number;
  id: string;
  stream_name: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

/** The statements of the append and read paths, prepared once per connection. */
export interface EventLogStatements {
  lastRevision: Database.Statement<[string], { revision: number | null }>;
  insert: Database.Statement<[string, string, number, string, string, string]>;
  readStream: Database.Statement<[string, number, number], EventRow>;
  readAfter: Database.Statement<[number, number], EventRow>;
}

export function prepareStatements(db: Database.Database): EventLogStatements {
  return {
    lastRevision: db.prepare('SELECT MAX(revision) AS revision FROM events WHERE stream_name = ?'),
    insert: db.prepare(
      `INSERT INTO events (id, stream_name, revision, type, data, metadata)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
    ),
    readStream: db.prepare(
      // LIMIT -1: no limit.
      'SELECT * FROM events WHERE stream_name = ? AND revision >= ? ORDER BY revision ASC LIMIT ?',
    ),
    readAfter: db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position ASC LIMIT ?'),
  };
}

/** Appends events to a stream at the expected revision; resolves to the rows written. */
export type AppendTransaction = (
  streamName: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
) => EventRow[];

/**
 * The append, in an IMMEDIATE transaction: the revision check and the inserts under the write
 * lock, after `assertFilesIntact` has checked the files.
 */
export function prepareAppend(
  db: Database.Database,
  statements: EventLogStatements,
  assertFilesIntact: () => void,
): AppendTransaction {
  const transaction = db.transaction(
    (streamName: string, events: readonly NewEvent[], expected: ExpectedRevision) => {
      // Under the write lock: the files are checked before anything is written into them.
      assertFilesIntact();
      const last = statements.lastRevision.get(streamName)?.revision ?? null;
      checkExpectedRevision(streamName, expected, last);
      let revision = last ?? -1;
      return events.map((event) => {
        revision += 1;
        return statements.insert.get(
          event.id ?? randomUUID(),
          streamName,
          revision,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
        ) as EventRow;
      });
    },
  );
  return (streamName, events, expected) => transaction.immediate(streamName, events, expected);
}

/**
 * The schema and the log's identity, created together in one transaction, so no log exists
 * without its id. A log written before identities existed (events, no `log_meta`) gets its id
 * here, on its first open by this version; from then on the id never changes. Nothing is
 * written when the id exists (a read-only or full volume still opens).
 */
export function createSchemaWithIdentity(db: Database.Database): void {
  if (readLogId(db) !== null) return;
  db.transaction(() => {
    db.exec(`
          CREATE TABLE IF NOT EXISTS events (
            position    INTEGER PRIMARY KEY AUTOINCREMENT,
            id          TEXT    NOT NULL UNIQUE,
            stream_name TEXT    NOT NULL,
            revision    INTEGER NOT NULL,
            type        TEXT    NOT NULL,
            data        TEXT    NOT NULL,
            metadata    TEXT    NOT NULL,
            UNIQUE (stream_name, revision)
          );
          CREATE TABLE IF NOT EXISTS log_meta (
            singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
            log_id     TEXT    NOT NULL,
            created_at TEXT    NOT NULL
          );
        `);
    // OR IGNORE: another process creating the same file at the same moment won the race.
    db.prepare(
      'INSERT OR IGNORE INTO log_meta (singleton, log_id, created_at) VALUES (1, ?, ?)',
    ).run(randomUUID(), new Date().toISOString());
  }).immediate();
}

export function readLogId(db: Database.Database): string | null {
  const hasMeta = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'log_meta'")
    .get();
  if (!hasMeta) return null;
  const id = db.prepare('SELECT log_id FROM log_meta WHERE singleton = 1').pluck().get();
  return typeof id === 'string' ? id : null;
}

/** The write probe rewrites the one row of a table of its own. */
export function prepareWriteProbe(db: Database.Database): Database.Statement<[string]> {
  db.exec(
    'CREATE TABLE IF NOT EXISTS write_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL)',
  );
  return db.prepare(
    'INSERT INTO write_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at',
  );
}

/**
 * Process-manager checkpoints live in a table of the log's file: never deleted with the read
 * model, never part of the log's events. Created with the first checkpoint, like write_probe,
 * so a log on a read-only volume still opens.
 */
export function readCheckpoint(db: Database.Database, name: string): Position | null {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'process_checkpoints'")
    .get();
  if (!table) return null;
  const row = db
    .prepare<[string], { position: string }>(
      'SELECT position FROM process_checkpoints WHERE name = ?',
    )
    .get(name);
  return row?.position ?? null;
}

/** Stores a checkpoint; the caller holds the write lock (an IMMEDIATE transaction). */
export function writeCheckpoint(db: Database.Database, name: string, position: Position): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS process_checkpoints (name TEXT PRIMARY KEY, position TEXT NOT NULL)',
  );
  db.prepare(
    `INSERT INTO process_checkpoints (name, position) VALUES (?, ?)
               ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
  ).run(name, position);
}

export function checkExpectedRevision(
  streamName: string,
  expected: ExpectedRevision,
  last: number | null,
): void {
  const actual = last ?? 'no_stream';
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && last === null) ||
    (expected === 'stream_exists' && last !== null) ||
    (typeof expected === 'number' && expected === last);
  if (!ok) throw new WrongExpectedRevisionError(streamName, expected, actual);
}

export function isUniqueViolation(error: unknown): boolean {
  const code = sqliteErrorCode(error);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export function parsePosition(position: Position | null | undefined): number {
  if (position === null || position === undefined || position === '') return 0;
  if (!/^\d{1,15}$/.test(position)) throw new RangeError(`Not a log position: ${position}`);
  return Number(position);
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    streamName: row.stream_name,
    revision: row.revision,
    position: String(row.position),
    type: row.type,
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as EventMetadata,
  };
}
