import mongoose, { Connection, ConnectOptions, Model, Schema } from 'mongoose';
import { ReadModelUnavailableError } from '@pat/read-model';
import { DeadlineExceededError, withDeadline } from '@pat/shared';
import type { SessionRecord, SessionStore } from './session-store.port';

export interface MongoSessionStoreOptions {
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
 * Short timeouts: an unreachable session store must turn into a 503 within seconds, never a hung
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

/**
 * One session. `expiresAt` is a BSON date so that a TTL index can expire it; `createdAt` stays
 * the ISO string it was saved as.
 */
interface SessionDoc {
  _id: string;
  userId: string;
  createdAt: string;
  expiresAt: Date;
  /** Absent on documents saved before proofs were recorded: never proven, version 0. */
  passwordProvenAt?: string | null;
  passwordVersion?: number;
}

const sessionSchema = new Schema<SessionDoc>(
  {
    _id: String,
    userId: String,
    createdAt: String,
    expiresAt: Date,
    passwordProvenAt: String,
    passwordVersion: Number,
  },
  { versionKey: false, autoIndex: false, autoCreate: false, collection: 'sessions' },
);
sessionSchema.index({ userId: 1 });
// The index on expiresAt is created by ensureIndexes: a TTL index where the server has them.

const DUPLICATE_KEY = 11000;
/** FerretDB answers an index option it does not implement (expireAfterSeconds) with this code. */
const NOT_IMPLEMENTED = 238;
const MAX_SAVE_ATTEMPTS = 3;

/**
 * Sessions in MongoDB, through a mongoose connection of their own, beside the read model.
 * Stored by the hash of the session id (`_id`), never the id itself.
 *
 * Expired sessions go two ways: where the server supports it (MongoDB), a TTL index on
 * `expiresAt` lets the server delete them in the background (its monitor runs once a minute);
 * and, as in the SQLite adapter, every save first deletes the sessions that have expired by the
 * new session's `createdAt`. The latter is the only purge on FerretDB, which has no TTL indexes,
 * and it keeps both servers (and both adapters) behaving the same way.
 *
 * `expiresAt` is returned as `Date#toISOString()` (UTC, milliseconds), which is the form the
 * session service writes.
 */
export class MongoSessionStore implements SessionStore {
  private readonly connection: Connection;
  private readonly ready: Promise<void>;
  private closed = false;
  private readonly operationTimeoutMs: number;
  private readonly sessions: Model<SessionDoc>;

  /** Starts connecting; prefer `connect`, which also waits for the connection and the indexes. */
  constructor(uri: string, options: MongoSessionStoreOptions = {}) {
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
    this.sessions = this.connection.model<SessionDoc>('Session', sessionSchema);
  }

  /** Connects and creates the indexes; throws ReadModelUnavailableError when unreachable. */
  static async connect(
    uri: string,
    options: MongoSessionStoreOptions = {},
  ): Promise<MongoSessionStore> {
    const store = new MongoSessionStore(uri, options);
    try {
      await store.ensureIndexes();
      return store;
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
  }

  /** Creates missing indexes (never drops one). */
  ensureIndexes(): Promise<void> {
    return this.runUnbounded(async () => {
      await this.sessions.createIndexes();
      try {
        await this.sessions.collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
      } catch (error) {
        if (!(error instanceof mongoose.mongo.MongoServerError && error.code === NOT_IMPLEMENTED)) {
          throw error;
        }
        // FerretDB: a plain index, for the purge on save.
        await this.sessions.collection.createIndex({ expiresAt: 1 });
      }
    });
  }

  save(idHash: string, session: SessionRecord): Promise<void> {
    return this.run(async () => {
      const now = toDate(session.createdAt, 'createdAt');
      const expiresAt = toDate(session.expiresAt, 'expiresAt');
      await this.sessions.deleteMany({ expiresAt: { $lte: now } });
      const doc = {
        userId: session.userId,
        createdAt: session.createdAt,
        expiresAt,
        passwordProvenAt: session.passwordProvenAt,
        passwordVersion: session.passwordVersion,
      };
      for (let attempt = 1; ; attempt++) {
        try {
          await this.sessions.replaceOne({ _id: { $eq: idHash } }, doc, { upsert: true });
          return;
        } catch (error) {
          // Two saves of one new id at once: the loser's insert hits `_id` (FerretDB never
          // retries such an upsert on the server). The document exists now, so replace it.
          if (!isDuplicateKey(error) || attempt >= MAX_SAVE_ATTEMPTS) throw error;
        }
      }
    });
  }

  find(idHash: string): Promise<SessionRecord | null> {
    return this.run(async () => {
      const doc = await this.sessions.findOne({ _id: { $eq: idHash } }).lean<SessionDoc>();
      return doc
        ? {
            userId: doc.userId,
            createdAt: doc.createdAt,
            expiresAt: new Date(doc.expiresAt).toISOString(),
            passwordProvenAt:
              typeof doc.passwordProvenAt === 'string' ? doc.passwordProvenAt : null,
            passwordVersion: typeof doc.passwordVersion === 'number' ? doc.passwordVersion : 0,
          }
        : null;
    });
  }

  markPasswordProven(idHash: string, provenAt: string, passwordVersion: number): Promise<boolean> {
    return this.run(async () => {
      const result = await this.sessions.updateOne(
        { _id: { $eq: idHash } },
        { $set: { passwordProvenAt: provenAt, passwordVersion } },
      );
      return result.matchedCount > 0;
    });
  }

  delete(idHash: string): Promise<void> {
    return this.run(async () => {
      await this.sessions.deleteOne({ _id: { $eq: idHash } });
    });
  }

  deleteByUser(userId: string): Promise<void> {
    return this.run(async () => {
      await this.sessions.deleteMany({ userId: { $eq: userId } });
    });
  }

  deleteByUserExcept(userId: string, keepIdHash: string): Promise<void> {
    return this.run(async () => {
      await this.sessions.deleteMany({ userId: { $eq: userId }, _id: { $ne: keepIdHash } });
    });
  }

  ping(): Promise<void> {
    return this.run(async () => {
      const db = this.connection.db;
      if (!db) throw new ReadModelUnavailableError('The session store is not connected');
      await db.command({ ping: 1 });
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
  private run<T>(work: () => Promise<T>): Promise<T> {
    return this.runUnbounded(() =>
      withDeadline(work(), this.operationTimeoutMs, 'the session store'),
    );
  }

  /**
   * For work made of many calls whose total may rightly exceed the bound (batches, index builds):
   * each network read is still bounded by socketTimeoutMS.
   */
  private async runUnbounded<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new ReadModelUnavailableError('The session store is closed');
    try {
      await withDeadline(this.ready, this.operationTimeoutMs, 'the session store');
      return await work();
    } catch (error) {
      if (error instanceof DeadlineExceededError) {
        throw new ReadModelUnavailableError(error.message, { cause: error });
      }
      if (error instanceof ReadModelUnavailableError) throw error;
      if (this.closed || isUnavailable(error)) {
        throw new ReadModelUnavailableError(
          `The session store cannot be reached: ${(error as Error).message}`,
          { cause: error },
        );
      }
      throw error;
    }
  }
}

function toDate(iso: string, field: string): Date {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    throw new TypeError(`Session ${field} is not a valid time: ${JSON.stringify(iso)}`);
  }
  return date;
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof mongoose.mongo.MongoServerError && error.code === DUPLICATE_KEY;
}

// The same classification as MongoReadModel's; kept here because ports and application code may
// not import another library's adapter directory (.dependency-cruiser.js).

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

function isUnavailable(error: unknown): boolean {
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
