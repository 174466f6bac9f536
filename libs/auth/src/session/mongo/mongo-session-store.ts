import mongoose, { Model, Schema } from 'mongoose';
import {
  MongoStoreConnection,
  MongoStoreOptions,
  isDuplicateKey,
} from '@pat/read-model/mongo/mongo-connection';
import type { SessionRecord, SessionStore } from '../session-store.port';

export type MongoSessionStoreOptions = MongoStoreOptions;

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
  private readonly mongo: MongoStoreConnection;
  private readonly sessions: Model<SessionDoc>;

  /** Starts connecting; prefer `connect`, which also waits for the connection and the indexes. */
  constructor(uri: string, options: MongoSessionStoreOptions = {}) {
    this.mongo = new MongoStoreConnection(uri, options, 'session store');
    this.sessions = this.mongo.connection.model<SessionDoc>('Session', sessionSchema);
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
    return this.mongo.runUnbounded(async () => {
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
    return this.mongo.run(async () => {
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
    return this.mongo.run(async () => {
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
    return this.mongo.run(async () => {
      const result = await this.sessions.updateOne(
        { _id: { $eq: idHash } },
        { $set: { passwordProvenAt: provenAt, passwordVersion } },
      );
      return result.matchedCount > 0;
    });
  }

  delete(idHash: string): Promise<void> {
    return this.mongo.run(async () => {
      await this.sessions.deleteOne({ _id: { $eq: idHash } });
    });
  }

  deleteByUser(userId: string): Promise<void> {
    return this.mongo.run(async () => {
      await this.sessions.deleteMany({ userId: { $eq: userId } });
    });
  }

  deleteByUserExcept(userId: string, keepIdHash: string): Promise<void> {
    return this.mongo.run(async () => {
      await this.sessions.deleteMany({ userId: { $eq: userId }, _id: { $ne: keepIdHash } });
    });
  }

  ping(): Promise<void> {
    return this.mongo.ping();
  }

  close(): Promise<void> {
    return this.mongo.close();
  }
}

function toDate(iso: string, field: string): Date {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    throw new TypeError(`Session ${field} is not a valid time: ${JSON.stringify(iso)}`);
  }
  return date;
}
