import { accessSync, constants, statSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { sqliteErrorCode } from './sqlite-error';
import { StoreStartupError } from './startup-error';

/** What an operator should look at for a SQLite result code, in brackets (or nothing). */
export function sqliteErrorHint(code: string): string {
  if (code === 'SQLITE_FULL') return ' (disk full?)';
  if (code.startsWith('SQLITE_READONLY')) return ' (read-only file or volume?)';
  if (code === 'SQLITE_IOERR_SHMSIZE') return ' (cannot size its -shm file: disk full?)';
  if (code.startsWith('SQLITE_IOERR')) return ' (I/O error: disk full or failing?)';
  if (code.startsWith('SQLITE_CANTOPEN')) return ' (file or folder missing, or no permission?)';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
    return ' (the file is damaged)';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return ' (locked by another process)';
  }
  return '';
}

/** An embedded store's file that could not be opened; the message is the one line to print. */
export class StoreOpenError extends StoreStartupError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreOpenError';
  }
}

export interface EmbeddedStoreFile {
  /** "the event log", "the read model", "the session store". */
  readonly store: string;
  readonly filename: string;
  /**
   * What deleting the file costs when it is disposable ("it is rebuilt from the event log"),
   * which the message then offers; null for the event log, which nothing can rebuild.
   */
  readonly ifDeleted: string | null;
  /** The variable that names the file's folder (DATA_DIR): the one line names it. */
  readonly setting?: string;
}

/**
 * Opens an embedded store, turning a raw SQLite or file-system error of the opening into one
 * line that names the file, says what the code suggests, and whether deleting the file is safe.
 * Errors the store already words for operators pass through.
 */
export function openEmbeddedStore<T>(file: EmbeddedStoreFile, open: () => T): T {
  try {
    return open();
  } catch (error) {
    const code = sqliteErrorCode(error) ?? fileSystemErrorCode(error);
    if (!code) throw error;
    const folderProblem = folderProblemOf(error, dirname(file.filename));
    if (folderProblem) {
      // The folder itself cannot be made: nothing about the file helps, only another folder.
      const setting = file.setting ?? 'the data folder';
      throw new StoreOpenError(
        `${capitalized(file.store)} ${file.filename} cannot be created: ${setting} ` +
          `${dirname(file.filename)} ${folderProblem}. Set ${setting} to a folder this process ` +
          `can write (it is created if missing).`,
        { cause: error },
      );
    }
    const hint =
      volumeProblem(file.filename) ??
      (sqliteErrorCode(error) ? sqliteErrorHint(code) : ` (${(error as Error).message})`);
    const advice = file.ifDeleted
      ? `If freeing space or fixing permissions does not help, it is safe to delete it with ` +
        `its -wal and -shm files (${file.ifDeleted}).`
      : `It is the system of record and cannot be rebuilt: do not delete it; free space, fix ` +
        `permissions or restore it from a backup.`;
    const where = file.setting ? ` (in ${file.setting} ${dirname(file.filename)})` : '';
    throw new StoreOpenError(
      `${capitalized(file.store)} ${file.filename}${where} cannot be opened: ${code}${hint}. ${advice}`,
      { cause: error },
    );
  }
}

/** What is wrong with the folder when creating it failed (ensureDirectory's errors), or null. */
function folderProblemOf(error: unknown, folder: string): string | null {
  const { code, syscall, path } = error as NodeJS.ErrnoException;
  if (syscall !== 'mkdir' || typeof code !== 'string') return null;
  const at = typeof path === 'string' ? path : folder;
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    return at === folder ? 'is a file, not a folder' : `lies under ${at}, which is a file`;
  }
  if (code === 'EROFS') return `cannot be created: ${at} is on a read-only volume`;
  if (code === 'EACCES') return `cannot be created: no permission to write in ${dirname(at)}`;
  return `cannot be created (${code} on mkdir ${at})`;
}

/** What the file's volume says, which beats guessing from the code: read-only, or full. */
function volumeProblem(filename: string): string | null {
  const folder = dirname(filename);
  try {
    accessSync(folder, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EROFS') return ` (the volume of ${folder} is read-only)`;
    if (code === 'EACCES') return ` (no permission to write in ${folder})`;
    return null;
  }
  try {
    const volume = statfsSync(folder);
    if (volume.bavail === 0) return ` (the volume of ${folder} is full: disk full)`;
  } catch {
    // No verdict: the code's hint stands.
  }
  return null;
}

function fileSystemErrorCode(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const { code, syscall } = error as NodeJS.ErrnoException;
  return typeof code === 'string' && typeof syscall === 'string' ? code : null;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Store files up to this size (file and WAL) get a full `quick_check` at open: it reads every
 * page (about 1–2 s per 600 MB when cached, far more from a cold disk), so larger files get a
 * cheaper check and the first read that meets damage reports it.
 */
export const FULL_CHECK_MAX_BYTES = 64 * 1024 * 1024;

/** A file's size in bytes; 0 when it does not exist. */
export function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
