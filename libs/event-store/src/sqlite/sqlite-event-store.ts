import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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
import type { EventMetadata } from '@pat/shared';
import {
  AppendResult,
  EventLogDamagedError,
  damagedLogMessage,
  EventStore,
  EventStoreUnavailableError,
  ExpectedRevision,
  LogIdentity,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  WrongExpectedRevisionError,
} from '../event-store.port';
import type { CheckpointStore } from '../checkpoint-store.port';
import { WalGuard } from './wal-guard';

interface EventRow {
  position: number;
  id: string;
  stream_name: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

const SUBSCRIPTION_BATCH = 1000;
/** The WAL is cut back to this size when SQLite resets it after a checkpoint. */
const JOURNAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024;
/** How long a write probe waits for another process's write lock (the append path: 5 s). */
const PROBE_BUSY_TIMEOUT_MS = 1000;

export interface SqliteEventStoreOptions {
  /** Path of the database file, or ':memory:'. */
  readonly filename: string;
  /**
   * How often a live subscription looks for events written by another process (the CLI, say).
   * Events appended through this instance are delivered at once.
   */
  readonly pollIntervalMs?: number;
  /**
   * `full` (default) syncs every committed append to disk. `normal` survives a process crash but
   * not a power cut: for bulk imports and test fixtures only.
   */
  readonly durability?: 'full' | 'normal';
  /**
   * Files (with their WAL) up to this size get a full quick_check at open, bigger ones a cheap
   * check (see checkIntegrity). Default 64 MiB; tests lower it to reach the cheap path.
   */
  readonly fullCheckMaxBytes?: number;
}

/**
 * The embedded event log: one SQLite file in WAL mode. Appends run in an IMMEDIATE transaction,
 * so the revision check and the insert are atomic even across processes sharing the file; the
 * UNIQUE(stream_name, revision) constraint backs that up.
 */
export class SqliteEventStore implements EventStore, CheckpointStore {
  private readonly db: Database.Database;
  private readonly appended = new EventEmitter();
  private readonly pollIntervalMs: number;
  private closed = false;
  private readonly file: FileIdentity;
  /** The absolute path, for messages. */
  private readonly location: string;
  private readonly filename: string;
  private readonly walGuard: WalGuard | null;
  /** Why the log was found damaged; once set, nothing more is written or acknowledged. */
  private damage: string | null = null;
  private readonly writeFailureListeners = new Set<(error: EventStoreUnavailableError) => void>();
  private probeStatement: Database.Statement<[string]> | null = null;
  private readonly statements: {
    lastRevision: Database.Statement<[string], { revision: number | null }>;
    insert: Database.Statement<[string, string, number, string, string, string]>;
    readStream: Database.Statement<[string, number, number], EventRow>;
    readAfter: Database.Statement<[number, number], EventRow>;
  };
  private readonly appendTransaction: (
    streamName: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ) => EventRow[];

  constructor(options: SqliteEventStoreOptions) {
    refuseIfMarkedDamaged(options.filename);
    if (options.filename !== ':memory:') ensureDirectory(dirname(options.filename));
    this.location = options.filename === ':memory:' ? ':memory:' : resolve(options.filename);
    this.filename = options.filename;
    this.db = this.refusedIfUnusable(() => new Database(options.filename));
    this.file = new FileIdentity(options.filename);
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.appended.setMaxListeners(0);
    this.refusedIfUnusable(() => {
      this.db.pragma('journal_mode = WAL');
      // The event log is the system of record: every committed append reaches the disk.
      this.db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
      this.db.pragma('busy_timeout = 5000');
      // A bounded WAL: a checkpoint once it holds about 4 MiB (whatever the file's page size),
      // and cut back to that when SQLite reuses it. SQLite's checkpoints stay on: WalGuard
      // judges the -wal file against SQLite's own index, so it needs no control over them.
      const pageSize = this.db.pragma('page_size', { simple: true }) as number;
      this.db.pragma(
        `wal_autocheckpoint = ${Math.max(100, Math.floor(JOURNAL_SIZE_LIMIT_BYTES / pageSize))}`,
      );
      this.db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
      this.checkIntegrity(options.filename, options.fullCheckMaxBytes ?? FULL_CHECK_MAX_BYTES);
      this.createSchemaWithIdentity();
    });
    this.statements = {
      lastRevision: this.db.prepare(
        'SELECT MAX(revision) AS revision FROM events WHERE stream_name = ?',
      ),
      insert: this.db.prepare(
        `INSERT INTO events (id, stream_name, revision, type, data, metadata)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
      ),
      readStream: this.db.prepare(
        // LIMIT -1: no limit.
        'SELECT * FROM events WHERE stream_name = ? AND revision >= ? ORDER BY revision ASC LIMIT ?',
      ),
      readAfter: this.db.prepare(
        'SELECT * FROM events WHERE position > ? ORDER BY position ASC LIMIT ?',
      ),
    };
    const transaction = this.db.transaction(
      (streamName: string, events: readonly NewEvent[], expected: ExpectedRevision) => {
        // Under the write lock: the files are checked before anything is written into them.
        this.assertFilesIntact();
        const last = this.statements.lastRevision.get(streamName)?.revision ?? null;
        checkExpectedRevision(streamName, expected, last);
        let revision = last ?? -1;
        return events.map((event) => {
          revision += 1;
          return this.statements.insert.get(
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
    this.appendTransaction = (streamName, events, expected) =>
      transaction.immediate(streamName, events, expected);
    this.walGuard = this.openWalGuard();
  }

  appendToStream(
    streamName: string,
    events: readonly NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    if (events.length === 0) {
      return Promise.reject(new Error('appendToStream needs at least one event'));
    }
    return this.runWrite(() => {
      const rows = this.appendTransaction(streamName, events, options.expectedRevision);
      return rows.map(toRecordedEvent);
    }).then((recorded) => {
      const last = recorded[recorded.length - 1];
      this.appended.emit('appended');
      return { nextExpectedRevision: last.revision, position: last.position, events: recorded };
    });
  }

  readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = Math.max(0, Math.floor(options.fromRevision ?? 0));
    const limit = options.maxCount === undefined ? -1 : Math.max(0, Math.floor(options.maxCount));
    return this.run(() =>
      this.statements.readStream.all(streamName, from, limit).map(toRecordedEvent),
    );
  }

  readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.run(() =>
      this.statements.readAfter
        .all(parsePosition(options.after), Math.max(0, options.maxCount))
        .map(toRecordedEvent),
    );
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    let stopped = false;
    let pending = false;
    let wake: (() => void) | null = null;
    const onAppended = () => {
      pending = true;
      wake?.();
    };
    this.appended.on('appended', onAppended);

    const waitForEvents = () =>
      new Promise<void>((resolve) => {
        if (pending || stopped) return resolve();
        const timer = setTimeout(done, this.pollIntervalMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        wake = done;
      }).finally(() => {
        wake = null;
        pending = false;
      });

    const loop = async () => {
      let cursor = parsePosition(options.after);
      let caughtUp = false;
      while (!stopped) {
        pending = false;
        const batch = await this.run(() =>
          this.statements.readAfter.all(cursor, SUBSCRIPTION_BATCH).map(toRecordedEvent),
        );
        for (const event of batch) {
          if (stopped) return;
          const handling = options.onEvent(event, { catchingUp: !caughtUp });
          if (handling) await handling;
          cursor = Number(event.position);
        }
        if (batch.length < SUBSCRIPTION_BATCH) {
          if (!caughtUp) {
            caughtUp = true;
            options.onCaughtUp?.();
          }
          await waitForEvents();
        }
      }
    };

    const running = loop()
      .catch((error: unknown) => {
        if (!stopped) options.onError?.(error);
      })
      .finally(() => this.appended.off('appended', onAppended));

    return {
      stop: async () => {
        stopped = true;
        wake?.();
        await running;
      },
    };
  }

  comparePositions(a: Position, b: Position): number {
    return parsePosition(a) - parsePosition(b);
  }

  async ping(): Promise<void> {
    await this.run(() => this.db.prepare('SELECT COUNT(*) FROM events WHERE position < 0').get());
  }

  logIdentity(): Promise<LogIdentity> {
    return this.run(() => {
      const logId = this.readLogId();
      if (logId === null) throw new Error(`The event log ${this.location} has no log id`);
      const head = this.db.prepare('SELECT MAX(position) FROM events').pluck().get() as
        number | null;
      return { logId, head: head === null ? null : String(head), location: this.location };
    });
  }

  /**
   * Rewrites the one row of a table of its own in an IMMEDIATE transaction, with the log's
   * synchronous setting: the same lock, WAL append and sync as an append, no event.
   */
  async probeWrite(): Promise<void> {
    await this.runWrite(() => {
      this.db.pragma(`busy_timeout = ${PROBE_BUSY_TIMEOUT_MS}`);
      try {
        // The table comes with the first probe that commits (an older log gains it then); a
        // rolled-back creation leaves no statement behind.
        this.probeStatement = this.db
          .transaction(() => {
            this.assertFilesIntact();
            const statement = this.probeStatement ?? this.prepareWriteProbe();
            statement.run(new Date().toISOString());
            return statement;
          })
          .immediate();
      } finally {
        this.db.pragma('busy_timeout = 5000');
      }
    });
  }

  /**
   * Process-manager checkpoints live in a table of the log's file: never deleted with the read
   * model, never part of the log's events. Created with the first checkpoint, like write_probe,
   * so a log on a read-only volume still opens.
   */
  readCheckpoint(name: string): Promise<Position | null> {
    return this.run(() => {
      const table = this.db
        .prepare(
          "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'process_checkpoints'",
        )
        .get();
      if (!table) return null;
      const row = this.db
        .prepare<[string], { position: string }>(
          'SELECT position FROM process_checkpoints WHERE name = ?',
        )
        .get(name);
      return row?.position ?? null;
    });
  }

  async storeCheckpoint(name: string, position: Position): Promise<void> {
    await this.runWrite(() =>
      this.db
        .transaction(() => {
          this.assertFilesIntact();
          this.db.exec(
            'CREATE TABLE IF NOT EXISTS process_checkpoints (name TEXT PRIMARY KEY, position TEXT NOT NULL)',
          );
          this.db
            .prepare(
              `INSERT INTO process_checkpoints (name, position) VALUES (?, ?)
               ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
            )
            .run(name, position);
        })
        .immediate(),
    );
  }

  private prepareWriteProbe(): Database.Statement<[string]> {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS write_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL)',
    );
    return this.db.prepare(
      'INSERT INTO write_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at',
    );
  }

  onWriteFailure(listener: (error: EventStoreUnavailableError) => void): () => void {
    this.writeFailureListeners.add(listener);
    return () => this.writeFailureListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.appended.removeAllListeners();
    this.writeFailureListeners.clear();
    this.db.close();
    // After the connection: closing these descriptors earlier would drop SQLite's locks.
    this.walGuard?.close();
  }

  /**
   * A write (append or probe): refused once the log is damaged; the files are checked again
   * after the commit, so a write that landed in a log damaged meanwhile is not acknowledged.
   * Every failure to write is told to the write-failure listeners before the promise rejects.
   */
  private async runWrite<T>(work: () => T): Promise<T> {
    try {
      if (this.damage !== null) throw new EventLogDamagedError(this.damagedMessage(this.damage));
      const missing = this.walGuard?.mainFileProblem() ?? null;
      if (missing !== null) {
        throw new EventStoreUnavailableError(`The event log cannot be written: ${missing}`);
      }
      const result = await this.run(work);
      this.confirmFilesIntactAfterCommit();
      return result;
    } catch (error) {
      if (error instanceof EventStoreUnavailableError) {
        for (const listener of this.writeFailureListeners) listener(error);
      }
      throw error;
    }
  }

  /** Throws (and marks the log damaged) when the files were changed behind SQLite's back. */
  private assertFilesIntact(): void {
    const problem = this.walGuard?.check() ?? null;
    if (problem !== null) throw this.markDamaged(problem);
  }

  /**
   * Outside the write lock another process may be half way through its own commit, so a
   * mismatch is confirmed under the lock before the log is called damaged.
   */
  private confirmFilesIntactAfterCommit(): void {
    if (!this.walGuard || this.walGuard.check() === null) return;
    try {
      this.db.transaction(() => this.assertFilesIntact()).immediate();
    } catch (error) {
      if (error instanceof EventLogDamagedError) throw error;
      throw new EventStoreUnavailableError(
        `The event log ${this.filename} could not be checked after a write: ${String(error)}`,
        { cause: error },
      );
    }
  }

  /**
   * Remembers the damage for good and leaves a marker beside the file, so that the next start
   * refuses too (see refuseIfMarkedDamaged) instead of serving from a log no tool can read.
   */
  private markDamaged(reason: string): EventLogDamagedError {
    if (this.damage === null) {
      this.damage = reason;
      try {
        writeFileSync(
          damageMarkerOf(this.filename),
          `${new Date().toISOString()} ${reason.replace(/\s+/g, ' ')}\n`,
        );
      } catch {
        // A full or read-only volume: this process still refuses; the next start may not know.
      }
    }
    return new EventLogDamagedError(this.damagedMessage(this.damage));
  }

  private damagedMessage(reason: string): string {
    return `The event log is damaged (${reason}): restore ${this.filename} from a backup`;
  }

  /** The guard needs the -wal and -shm files, which exist once the connection has read. */
  private openWalGuard(): WalGuard | null {
    if (this.filename === ':memory:') return null;
    const guard = new WalGuard(this.filename);
    guard.open();
    return guard;
  }

  /**
   * The schema and the log's identity, created together in one transaction, so no log exists
   * without its id. A log written before identities existed (events, no `log_meta`) gets its id
   * here, on its first open by this version; from then on the id never changes. Nothing is
   * written when the id exists (a read-only or full volume still opens).
   */
  private createSchemaWithIdentity(): void {
    if (this.readLogId() !== null) return;
    this.db
      .transaction(() => {
        this.db.exec(`
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
        this.db
          .prepare(
            'INSERT OR IGNORE INTO log_meta (singleton, log_id, created_at) VALUES (1, ?, ?)',
          )
          .run(randomUUID(), new Date().toISOString());
      })
      .immediate();
  }

  private readLogId(): string | null {
    const hasMeta = this.db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'log_meta'")
      .get();
    if (!hasMeta) return null;
    const id = this.db.prepare('SELECT log_id FROM log_meta WHERE singleton = 1').pluck().get();
    return typeof id === 'string' ? id : null;
  }

  /**
   * A damaged file is refused at open rather than found by the first read that touches the bad
   * page. `quick_check` reads every page once: measured on a 1 000 000-event log (666 MB) it
   * takes 1.1–2.3 s from the page cache and 20 s from a cold disk, too slow for every start. So
   * the full check runs up to FULL_CHECK_MAX_BYTES (about 100 000 events); above, the header,
   * the schema and both ends of the log are read (where appends and a cut-off WAL leave damage),
   * and a bad page elsewhere is reported as EventLogDamagedError by the read that meets it.
   */
  private checkIntegrity(filename: string, fullCheckMaxBytes: number): void {
    if (filename === ':memory:') return;
    if (fileBytes(filename) + fileBytes(`${filename}-wal`) <= fullCheckMaxBytes) {
      const [first] = this.db.pragma('quick_check(1)') as Array<{ quick_check: string }>;
      if (first && first.quick_check !== 'ok') {
        throw new EventLogDamagedError(
          damagedLogMessage(this.location, 'SQLITE_CORRUPT', first.quick_check),
        );
      }
      return;
    }
    // Reading sqlite_master checks the header and the schema page.
    const hasEvents = this.db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'")
      .get();
    if (!hasEvents) return;
    for (const order of ['ASC', 'DESC']) {
      this.db
        .prepare(`SELECT position, id FROM events ORDER BY position ${order} LIMIT 1000`)
        .all();
    }
  }

  /** Opening statements: a damaged file and any other SQLite refusal become one clear line. */
  private refusedIfUnusable<T>(open: () => T): T {
    try {
      return open();
    } catch (error) {
      if (this.db?.open) this.db.close();
      if (error instanceof EventLogDamagedError) throw error;
      const code = sqliteErrorCode(error);
      if (code && isDamagedSqliteCode(code)) {
        throw new EventLogDamagedError(
          damagedLogMessage(this.location, code, (error as Error).message),
          {
            cause: error,
          },
        );
      }
      // Any other refusal is worded by openEmbeddedStore (the volume's state, the code's hint).
      throw error;
    }
  }

  /** Runs a synchronous database call, turning I/O failures into EventStoreUnavailableError. */
  private async run<T>(work: () => T): Promise<T> {
    if (this.closed) throw new EventStoreUnavailableError('The event store is closed');
    if (!this.file.isPresent()) {
      throw new EventStoreUnavailableError('The event store file is missing or was replaced');
    }
    try {
      return work();
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) throw error;
      if (isUniqueViolation(error)) {
        // Another writer won the race between our revision check and insert.
        throw new WrongExpectedRevisionError('(concurrent append)', 'any', 'no_stream');
      }
      if (error instanceof EventStoreUnavailableError) throw error;
      const code = sqliteErrorCode(error);
      if (code && isDamagedSqliteCode(code)) {
        throw this.markDamaged(`${code}: the file is corrupt`);
      }
      if (code) {
        throw new EventStoreUnavailableError(
          `The event log cannot be written: ${code}${sqliteErrorHint(code)} in ${this.filename}`,
          { cause: error },
        );
      }
      throw error;
    }
  }
}

/** The marker a damaged log leaves beside itself; an operator deletes it after restoring. */
export function damageMarkerOf(filename: string): string {
  return `${filename}.damaged`;
}

function refuseIfMarkedDamaged(filename: string): void {
  if (filename === ':memory:') return;
  const marker = damageMarkerOf(filename);
  if (!existsSync(marker)) return;
  const found = readFileSync(marker, 'utf8').trim().split('\n')[0].slice(0, 300);
  throw new EventLogDamagedError(
    `The event log ${filename} was found damaged (${found}): restore it from a backup ` +
      `(remove its -wal and -shm files too), then delete ${marker}`,
  );
}

function checkExpectedRevision(
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

function isUniqueViolation(error: unknown): boolean {
  const code = sqliteErrorCode(error);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

function parsePosition(position: Position | null | undefined): number {
  if (position === null || position === undefined || position === '') return 0;
  if (!/^\d{1,15}$/.test(position)) throw new RangeError(`Not a log position: ${position}`);
  return Number(position);
}

function toRecordedEvent(row: EventRow): RecordedEvent {
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
