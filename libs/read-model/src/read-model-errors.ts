/** The read model cannot be reached or read; callers fail closed (503). */
export class ReadModelUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReadModelUnavailableError';
  }
}

/** bindToLog found the read model bound to another event log. */
export class ReadModelBoundToAnotherLogError extends Error {
  constructor(
    readonly boundLogId: string,
    readonly requestedLogId: string,
  ) {
    super(`The read model was built from event log ${boundLogId}, not ${requestedLogId}`);
    this.name = 'ReadModelBoundToAnotherLogError';
  }
}

/**
 * The read model's storage is damaged (SQLite: SQLITE_CORRUPT, SQLITE_NOTADB). Still a
 * ReadModelUnavailableError (503); at start-up it ends the start. Safe to delete: it is rebuilt.
 */
export class ReadModelDamagedError extends ReadModelUnavailableError {
  constructor(
    readonly location: string,
    readonly code: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `The read model ${location} is damaged (${code}: ${detail.replace(/\s+/g, ' ').trim()}): ` +
        'it is safe to delete (with its -wal and -shm files); it is rebuilt from the event log at the next start',
      options,
    );
    this.name = 'ReadModelDamagedError';
  }
}
