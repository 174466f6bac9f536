/**
 * The SQLite result code (`SQLITE_BUSY`, `SQLITE_IOERR_…`) of an error better-sqlite3 threw, or
 * null for anything else. By shape, not `instanceof`: the native addon keeps the error class it
 * was first given, so where the JavaScript module is loaded more than once (Jest loads it once
 * per test file, each in its own realm) neither `Database.SqliteError` nor even `Error` of the
 * current copy matches what it throws.
 */
export function sqliteErrorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const { name, code } = error as { name?: unknown; code?: unknown };
  if (name !== 'SqliteError') return null;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

/**
 * Whether a SQLite result code means the file itself is damaged or is not a database: no retry
 * helps, the file has to be restored (the event log) or rebuilt (the read model).
 */
export function isDamagedSqliteCode(code: string): boolean {
  return code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB';
}
