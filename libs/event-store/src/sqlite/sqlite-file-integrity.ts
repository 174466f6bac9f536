import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { fileBytes } from '@pat/shared';
import {
  EventLogDamagedError,
  EventStoreUnavailableError,
  damagedLogMessage,
} from '../event-store.port';
import { WalGuard } from './wal-guard';

/**
 * Whether the log's files are sound: checked at open (quick_check, the marker an earlier process
 * left on finding the log damaged) and watched while open (LogFileIntegrity).
 */

/**
 * A damaged file is refused at open rather than found by the first read that touches the bad
 * page. `quick_check` reads every page once: measured on a 1 000 000-event log (666 MB) it
 * takes 1.1–2.3 s from the page cache and 20 s from a cold disk, too slow for every start. So
 * the full check runs up to FULL_CHECK_MAX_BYTES (about 100 000 events); above, the header,
 * the schema and both ends of the log are read (where appends and a cut-off WAL leave damage),
 * and a bad page elsewhere is reported as EventLogDamagedError by the read that meets it.
 */
export function checkIntegrity(
  db: Database.Database,
  filename: string,
  location: string,
  fullCheckMaxBytes: number,
): void {
  if (filename === ':memory:') return;
  if (fileBytes(filename) + fileBytes(`${filename}-wal`) <= fullCheckMaxBytes) {
    const [first] = db.pragma('quick_check(1)') as Array<{ quick_check: string }>;
    if (first && first.quick_check !== 'ok') {
      throw new EventLogDamagedError(
        damagedLogMessage(location, 'SQLITE_CORRUPT', first.quick_check),
      );
    }
    return;
  }
  // Reading sqlite_master checks the header and the schema page.
  const hasEvents = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'")
    .get();
  if (!hasEvents) return;
  for (const order of ['ASC', 'DESC']) {
    db.prepare(`SELECT position, id FROM events ORDER BY position ${order} LIMIT 1000`).all();
  }
}

/** The marker a damaged log leaves beside itself; an operator deletes it after restoring. */
export function damageMarkerOf(filename: string): string {
  return `${filename}.damaged`;
}

export function refuseIfMarkedDamaged(filename: string): void {
  if (filename === ':memory:') return;
  const marker = damageMarkerOf(filename);
  if (!existsSync(marker)) return;
  const found = readFileSync(marker, 'utf8').trim().split('\n')[0].slice(0, 300);
  throw new EventLogDamagedError(
    `The event log ${filename} was found damaged (${found}): restore it from a backup ` +
      `(remove its -wal and -shm files too), then delete ${marker}`,
  );
}

/**
 * The log's files while it is open: WalGuard watches them for changes made behind SQLite's back,
 * and damage once found is remembered for good (and marked beside the file for the next start).
 */
export class LogFileIntegrity {
  /** Why the log was found damaged; once set, nothing more is written or acknowledged. */
  private damage: string | null = null;
  private readonly walGuard: WalGuard | null;

  /** Call once the connection is in WAL mode and has read the file (see openWalGuard). */
  constructor(private readonly filename: string) {
    this.walGuard = openWalGuard(filename);
  }

  /** Refuses a write before it starts: the log is damaged, or its main file is gone. */
  assertWritable(): void {
    if (this.damage !== null) throw new EventLogDamagedError(this.damagedMessage(this.damage));
    const missing = this.walGuard?.mainFileProblem() ?? null;
    if (missing !== null) {
      throw new EventStoreUnavailableError(`The event log cannot be written: ${missing}`);
    }
  }

  /** Throws (and marks the log damaged) when the files were changed behind SQLite's back. */
  assertFilesIntact(): void {
    const problem = this.walGuard?.check() ?? null;
    if (problem !== null) throw this.markDamaged(problem);
  }

  /**
   * Outside the write lock another process may be half way through its own commit, so a
   * mismatch is confirmed under the lock before the log is called damaged.
   */
  confirmFilesIntactAfterCommit(db: Database.Database): void {
    if (!this.walGuard || this.walGuard.check() === null) return;
    try {
      db.transaction(() => this.assertFilesIntact()).immediate();
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
  markDamaged(reason: string): EventLogDamagedError {
    if (this.damage === null) {
      this.damage = reason;
      leaveDamageMarker(this.filename, reason);
    }
    return new EventLogDamagedError(this.damagedMessage(this.damage));
  }

  private damagedMessage(reason: string): string {
    return `The event log is damaged (${reason}): restore ${this.filename} from a backup`;
  }

  /** Closes WalGuard's descriptors: only after the database (see SqliteEventStore.close). */
  close(): void {
    this.walGuard?.close();
  }
}

/** The guard needs the -wal and -shm files, which exist once the connection has read. */
function openWalGuard(filename: string): WalGuard | null {
  if (filename === ':memory:') return null;
  const guard = new WalGuard(filename);
  guard.open();
  return guard;
}

/** Leaves the marker beside the file, with the time and the reason on its first line. */
function leaveDamageMarker(filename: string, reason: string): void {
  try {
    writeFileSync(
      damageMarkerOf(filename),
      `${new Date().toISOString()} ${reason.replace(/\s+/g, ' ')}\n`,
    );
  } catch {
    // A full or read-only volume: this process still refuses; the next start may not know.
  }
}
