import mongoose, { Connection, ConnectOptions } from 'mongoose';
import { DeadlineExceededError, withDeadline } from '@pat/shared';
import { ReadModelUnavailableError } from '../read-model-errors';

/**
 * What the MongoDB stores (the read model, the session store) share: a mongoose connection of
 * their own with fail-fast defaults, calls bounded in time, and the classification of driver
 * errors into "the server cannot serve now" (ReadModelUnavailableError, 503) and the rest.
 */

export interface MongoStoreOptions {
  /** Database to use; defaults to the one named in the URI (the driver's `test` if none). */
  readonly dbName?: string;
  /** Driver options, applied over the fail-fast defaults below. */
  readonly connectOptions?: ConnectOptions;
  /**
   * The longest wait on one call before it fails as unavailable (STORE_TIMEOUT_MS, default
   * 5000): a frozen server answers 503 in bounded time instead of hanging the request.
   */
  readonly operationTimeoutMs?: number;
}

const DEFAULT_OPERATION_TIMEOUT_MS = 5000;

/**
 * Short timeouts: an unreachable store must turn into a 503 within seconds, never a hung
 * request. No command buffering: a call made while disconnected fails instead of queueing.
 */
const DEFAULT_CONNECT_OPTIONS: ConnectOptions = {
  serverSelectionTimeoutMS: 2000,
  connectTimeoutMS: 2000,
  // Replaced by operationTimeoutMs (see the constructor): each network read is bounded by it too.
  socketTimeoutMS: DEFAULT_OPERATION_TIMEOUT_MS,
  bufferCommands: false,
  autoIndex: false,
  autoCreate: false,
};

/** One store's connection, and the way every call of that store goes through it. */
export class MongoStoreConnection {
  readonly connection: Connection;
  private readonly ready: Promise<void>;
  private closed = false;
  private readonly operationTimeoutMs: number;

  /**
   * Starts connecting. `store` names the store in messages as it reads in a sentence after
   * "the": "read model", "session store".
   */
  constructor(
    uri: string,
    options: MongoStoreOptions,
    private readonly store: string,
  ) {
    this.operationTimeoutMs = options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
    this.connection = mongoose.createConnection(uri, {
      ...DEFAULT_CONNECT_OPTIONS,
      // A connection stuck on a frozen server is given up after the same bound, so later calls
      // get a fresh one instead of queueing behind it.
      socketTimeoutMS: this.operationTimeoutMs,
      ...options.connectOptions,
      ...(options.dbName === undefined ? {} : { dbName: options.dbName }),
    });
    this.ready = this.connection.asPromise().then(() => undefined);
    // A failed first connection is reported by every call (and by `connect`), not as an
    // unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /** The database, for collections that have no mongoose model. */
  db(): NonNullable<Connection['db']> {
    const db = this.connection.db;
    if (!db) throw new ReadModelUnavailableError(`The ${this.store} is not connected`);
    return db;
  }

  ping(): Promise<void> {
    return this.run(async () => {
      await this.db().command({ ping: 1 });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.connection.close();
  }

  /**
   * Waits for the first connection and turns connection failures into ReadModelUnavailableError.
   * Bounded by operationTimeoutMs: what has not answered by then fails as unavailable (the call
   * itself goes on; a write may still land, which the revision guards make harmless).
   */
  run<T>(work: () => Promise<T>): Promise<T> {
    return this.runUnbounded(() =>
      withDeadline(work(), this.operationTimeoutMs, `the ${this.store}`),
    );
  }

  /**
   * For work made of many calls whose total may rightly exceed the bound (batches, index builds):
   * each network read is still bounded by socketTimeoutMS.
   */
  async runUnbounded<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new ReadModelUnavailableError(`The ${this.store} is closed`);
    try {
      await withDeadline(this.ready, this.operationTimeoutMs, `the ${this.store}`);
      return await work();
    } catch (error) {
      if (error instanceof DeadlineExceededError) {
        throw new ReadModelUnavailableError(error.message, { cause: error });
      }
      if (error instanceof ReadModelUnavailableError) throw error;
      if (this.closed || isUnavailable(error)) {
        throw new ReadModelUnavailableError(
          `The ${this.store} cannot be reached: ${(error as Error).message}`,
          { cause: error },
        );
      }
      throw error;
    }
  }
}

const DUPLICATE_KEY = 11000;

export function isDuplicateKey(error: unknown): boolean {
  return error instanceof mongoose.mongo.MongoServerError && error.code === DUPLICATE_KEY;
}

/** A bulk write whose every failed operation hit a unique index. */
export function isBulkDuplicateKey(error: unknown): boolean {
  if (!(error instanceof mongoose.mongo.MongoBulkWriteError)) return false;
  const writeErrors: Array<{ code: number }> = ([] as Array<{ code: number }>).concat(
    error.writeErrors,
  );
  return (
    writeErrors.length > 0 && writeErrors.every((writeError) => writeError.code === DUPLICATE_KEY)
  );
}

/** Server codes that mean "this server cannot serve now" (shutdown, step-down, network). */
const UNAVAILABLE_SERVER_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** Driver names of errors that are not exported as classes. */
const UNAVAILABLE_ERROR_NAMES = new Set([
  'MongooseServerSelectionError',
  'MongoPoolClosedError',
  'MongoWaitQueueTimeoutError',
]);

/** Whether a driver error means the server could not be reached or cannot serve now. */
export function isUnavailable(error: unknown): boolean {
  const { mongo } = mongoose;
  if (
    error instanceof mongo.MongoNetworkError || // includes timeouts and cleared pools
    error instanceof mongo.MongoServerSelectionError ||
    error instanceof mongo.MongoTopologyClosedError ||
    error instanceof mongo.MongoNotConnectedError ||
    error instanceof mongo.MongoClientClosedError ||
    error instanceof mongo.MongoServerClosedError ||
    error instanceof mongo.MongoOperationTimeoutError
  ) {
    return true;
  }
  if (error instanceof mongo.MongoServerError) {
    return typeof error.code === 'number' && UNAVAILABLE_SERVER_CODES.has(error.code);
  }
  return error instanceof Error && UNAVAILABLE_ERROR_NAMES.has(error.name);
}
