import { EventEmitter } from 'node:events';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import {
  FULL_CHECK_MAX_BYTES,
  FileIdentity,
  ensureDirectory,
  isDamagedSqliteCode,
  sqliteErrorCode,
  sqliteErrorHint,
} from '@pat/shared';
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
import { WriteFailureListeners } from '../write-failure-listeners';
import { LogFileIntegrity, checkIntegrity, refuseIfMarkedDamaged } from './sqlite-file-integrity';
import {
  AppendTransaction,
  EventLogStatements,
  createSchemaWithIdentity,
  isUniqueViolation,
  parsePosition,
  prepareAppend,
  prepareStatements,
  prepareWriteProbe,
  readCheckpoint,
  readLogId,
  toRecordedEvent,
  writeCheckpoint,
} from './sqlite-log-schema';
import { pollingSubscription } from './sqlite-subscription';

export { damageMarkerOf } from './sqlite-file-integrity';

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
  private readonly integrity: LogFileIntegrity;
  private readonly writeFailures = new WriteFailureListeners();
  private probeStatement: Database.Statement<[string]> | null = null;
  private readonly statements: EventLogStatements;
  private readonly appendTransaction: AppendTransaction;

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
      checkIntegrity(
        this.db,
        options.filename,
        this.location,
        options.fullCheckMaxBytes ?? FULL_CHECK_MAX_BYTES,
      );
      createSchemaWithIdentity(this.db);
    });
    this.statements = prepareStatements(this.db);
    this.appendTransaction = prepareAppend(this.db, this.statements, () =>
      this.integrity.assertFilesIntact(),
    );
    this.integrity = new LogFileIntegrity(this.filename);
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
    return pollingSubscription(
      {
        read: (cursor, maxCount) =>
          this.run(() => this.statements.readAfter.all(cursor, maxCount).map(toRecordedEvent)),
        appended: this.appended,
        pollIntervalMs: this.pollIntervalMs,
      },
      options,
    );
  }

  comparePositions(a: Position, b: Position): number {
    return parsePosition(a) - parsePosition(b);
  }

  async ping(): Promise<void> {
    await this.run(() => this.db.prepare('SELECT COUNT(*) FROM events WHERE position < 0').get());
  }

  logIdentity(): Promise<LogIdentity> {
    return this.run(() => {
      const logId = readLogId(this.db);
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
            this.integrity.assertFilesIntact();
            const statement = this.probeStatement ?? prepareWriteProbe(this.db);
            statement.run(new Date().toISOString());
            return statement;
          })
          .immediate();
      } finally {
        this.db.pragma('busy_timeout = 5000');
      }
    });
  }

  /** Process-manager checkpoints: a table of the log's file (see readCheckpoint there). */
  readCheckpoint(name: string): Promise<Position | null> {
    return this.run(() => readCheckpoint(this.db, name));
  }

  async storeCheckpoint(name: string, position: Position): Promise<void> {
    await this.runWrite(() =>
      this.db
        .transaction(() => {
          this.integrity.assertFilesIntact();
          writeCheckpoint(this.db, name, position);
        })
        .immediate(),
    );
  }

  onWriteFailure(listener: (error: EventStoreUnavailableError) => void): () => void {
    return this.writeFailures.add(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.appended.removeAllListeners();
    this.writeFailures.clear();
    this.db.close();
    // After the connection: closing these descriptors earlier would drop SQLite's locks.
    this.integrity.close();
  }

  /**
   * A write (append or probe): refused once the log is damaged; the files are checked again
   * after the commit, so a write that landed in a log damaged meanwhile is not acknowledged.
   * Every failure to write is told to the write-failure listeners before the promise rejects.
   */
  private async runWrite<T>(work: () => T): Promise<T> {
    try {
      this.integrity.assertWritable();
      const result = await this.run(work);
      this.integrity.confirmFilesIntactAfterCommit(this.db);
      return result;
    } catch (error) {
      throw this.writeFailures.report(error);
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
        throw this.integrity.markDamaged(`${code}: the file is corrupt`);
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
