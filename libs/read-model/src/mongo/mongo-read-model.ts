import mongoose, { Connection, ConnectOptions, Model, Schema } from 'mongoose';
import type { Position } from '@pat/event-store';
import {
  ActiveAt,
  createdAfterFor,
  KeysetPage,
  TokenSortKey,
  UserSortKey,
  MembershipRecord,
  membershipId,
  ProjectedEvent,
  ProjectionCheckpoint,
  ProjectRecord,
  ReadModel,
  ReadModelBoundToAnotherLogError,
  ReadModelChange,
  ReadModelCollection,
  TokenUsageChange,
  ReadModelUnavailableError,
  mergeChanges,
  sequenceEvents,
  TokenPolicyRecord,
  TokenCredential,
  TokenRecord,
  UserRecord,
} from '../read-model.port';
import { DeadlineExceededError, withDeadline } from '@pat/shared';

export interface MongoReadModelOptions {
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
 * Short timeouts: an unreachable read model must turn into a 503 within seconds, never a hung
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

type Collection = ReadModelCollection;

/** Stored documents: the record with its id field moved to `_id`. */
type TokenDoc = Omit<TokenRecord, 'tokenId'> & { _id: string };
type UserDoc = Omit<UserRecord, 'userId'> & { _id: string };
/**
 * `nameKey` is the lower-cased name, kept for sorting: FerretDB has no collations, so
 * listProjects sorts by this field instead of by `name` with a case-insensitive collation.
 */
type ProjectDoc = Omit<ProjectRecord, 'projectId'> & { _id: string; nameKey: string };
/** `_id` is membershipId(projectId, userId); both parts stay fields of their own for queries. */
type MembershipDoc = MembershipRecord & { _id: string };
type TokenPolicyDoc = TokenPolicyRecord & { _id: 'current' };
/** What applyEvents needs of every document kind. */
interface RevisionedDoc {
  _id: string;
  revision: number;
}
/** One document: the id of the event log the read model was built from. */
interface LogBindingDoc {
  _id: string;
  logId: string;
}
const LOG_BINDING_ID = 'log';

interface CheckpointDoc {
  _id: string;
  position: string;
}
/** The last revision of a stream the documents reflect (`_id` is the stream name). */
interface StreamRevisionDoc {
  _id: string;
  revision: number;
}

/** Schema options shared by every collection: no `__v`, no background index builds. */
const schemaOptions = { versionKey: false, autoIndex: false, autoCreate: false } as const;

const tokenSchema = new Schema<TokenDoc>(
  {
    _id: String,
    userId: String,
    name: String,
    tokenHash: String,
    tokenHint: String,
    createdAt: String,
    expiresAt: String,
    revokedAt: String,
    revokedReason: String,
    lastUsedAt: String,
    lastUsedIp: String,
    lastUsedUserAgent: String,
    revision: Number,
    usageRevision: Number,
  },
  { ...schemaOptions, collection: 'tokens' },
);
// Not partial: FerretDB does not implement partialFilterExpression, and every token document
// is created by TokenCreated, which carries the hash.
tokenSchema.index({ tokenHash: 1 }, { unique: true });
tokenSchema.index({ userId: 1, createdAt: -1 });
// Keyset pages and the point-in-time query walk these from the cursor on.
tokenSchema.index({ userId: 1, createdAt: -1, _id: -1 });
tokenSchema.index({ createdAt: 1, _id: 1 });

const userSchema = new Schema<UserDoc>(
  {
    _id: String,
    username: String,
    usernameKey: String,
    name: String,
    email: String,
    isAdmin: Boolean,
    isAuditor: Boolean,
    passwordHash: String,
    passwordVersion: Number,
    passwordChangeRequired: Boolean,
    createdAt: String,
    deletedAt: String,
    revision: Number,
  },
  { ...schemaOptions, collection: 'users' },
);
// Not unique: a deleted user keeps its key, and a new user may take the name again.
userSchema.index({ usernameKey: 1, deletedAt: 1 });
userSchema.index({ usernameKey: 1, _id: 1 });

const projectSchema = new Schema<ProjectDoc>(
  {
    _id: String,
    name: String,
    nameKey: String,
    createdAt: String,
    revision: Number,
  },
  { ...schemaOptions, collection: 'projects' },
);
projectSchema.index({ nameKey: 1, _id: 1 });

const membershipSchema = new Schema<MembershipDoc>(
  {
    _id: String,
    projectId: String,
    userId: String,
    role: String,
    revision: Number,
  },
  { ...schemaOptions, collection: 'memberships' },
);
membershipSchema.index({ userId: 1, projectId: 1 });
membershipSchema.index({ projectId: 1, userId: 1 });

const tokenPolicySchema = new Schema<TokenPolicyDoc>(
  { _id: String, maxLifetimeDays: Number, revision: Number },
  { ...schemaOptions, collection: 'token_policy' },
);

const checkpointSchema = new Schema<CheckpointDoc>(
  { _id: String, position: String },
  { ...schemaOptions, collection: 'checkpoints' },
);

const streamRevisionSchema = new Schema<StreamRevisionDoc>(
  { _id: String, revision: Number },
  { ...schemaOptions, collection: 'stream_revisions' },
);

/** The record field each collection keeps in `_id`. */
const ID_FIELD: Record<Collection, string | null> = {
  tokens: 'tokenId',
  users: 'userId',
  projects: 'projectId',
  // The id is derived from both fields, which the queries need as they are.
  memberships: null,
  tokenPolicy: null,
};

const DUPLICATE_KEY = 11000;
/** Documents written concurrently within one batch. */
const PARALLEL_WRITES = 16;
/** Attempts of one change when concurrent writers keep creating the document under us. */
const MAX_APPLY_ATTEMPTS = 3;
/** Stream names per `$in` lookup and stream revisions per bulk write. */
const STREAMS_PER_CALL = 1000;

/**
 * The production read model: one MongoDB collection per document kind, through its own mongoose
 * connection. Each change is a single revision-guarded upsert, so replays and concurrent
 * projections are harmless. MongoDB without a replica set has no multi-document transactions,
 * so a batch is not atomic: a crash mid-batch leaves the checkpoint behind, and the replayed
 * changes are skipped by their revision.
 */
export class MongoReadModel implements ReadModel {
  /** The server and database, without credentials, for messages. */
  readonly location: string;
  private readonly connection: Connection;
  private readonly ready: Promise<void>;
  private closed = false;
  private readonly operationTimeoutMs: number;
  /** The last pending write of each document, by collection and id (see `serialized`). */
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly tokens: Model<TokenDoc>;
  private readonly users: Model<UserDoc>;
  private readonly projects: Model<ProjectDoc>;
  private readonly memberships: Model<MembershipDoc>;
  private readonly tokenPolicy: Model<TokenPolicyDoc>;
  private readonly checkpoints: Model<CheckpointDoc>;
  private readonly streamRevisions: Model<StreamRevisionDoc>;

  /** Starts connecting; prefer `connect`, which also waits for the connection and the indexes. */
  constructor(uri: string, options: MongoReadModelOptions = {}) {
    this.operationTimeoutMs = options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
    this.connection = mongoose.createConnection(uri, {
      ...DEFAULT_CONNECT_OPTIONS,
      // A connection stuck on a frozen server is given up after the same bound, so later calls
      // get a fresh one instead of queueing behind it.
      socketTimeoutMS: this.operationTimeoutMs,
      ...options.connectOptions,
      ...(options.dbName === undefined ? {} : { dbName: options.dbName }),
    });
    this.location = describeLocation(uri, options.dbName);
    this.ready = this.connection.asPromise().then(() => undefined);
    // A failed first connection is reported by every call (and by `connect`), not as an
    // unhandled rejection.
    this.ready.catch(() => undefined);
    this.tokens = this.connection.model<TokenDoc>('Token', tokenSchema);
    this.users = this.connection.model<UserDoc>('User', userSchema);
    this.projects = this.connection.model<ProjectDoc>('Project', projectSchema);
    this.memberships = this.connection.model<MembershipDoc>('Membership', membershipSchema);
    this.tokenPolicy = this.connection.model<TokenPolicyDoc>('TokenPolicy', tokenPolicySchema);
    this.checkpoints = this.connection.model<CheckpointDoc>('Checkpoint', checkpointSchema);
    this.streamRevisions = this.connection.model<StreamRevisionDoc>(
      'StreamRevision',
      streamRevisionSchema,
    );
  }

  /** Connects and creates the indexes; throws ReadModelUnavailableError when unreachable. */
  static async connect(uri: string, options: MongoReadModelOptions = {}): Promise<MongoReadModel> {
    const readModel = new MongoReadModel(uri, options);
    try {
      await readModel.ensureIndexes();
      return readModel;
    } catch (error) {
      await readModel.close().catch(() => undefined);
      throw error;
    }
  }

  /** Creates missing indexes. createIndexes rather than syncIndexes: it never drops an index. */
  ensureIndexes(): Promise<void> {
    return this.runUnbounded(() => this.createAllIndexes());
  }

  private async createAllIndexes(): Promise<void> {
    await this.tokens.createIndexes();
    await this.users.createIndexes();
    await this.projects.createIndexes();
    await this.memberships.createIndexes();
  }

  /**
   * Not atomic (no multi-document transactions without a replica set), so the order matters:
   * documents first, then the stream revisions, then the checkpoint. A crash in between leaves
   * the stream revisions behind the documents, and the replayed events are skipped by the
   * documents' own revision guard. The stream revisions only ever grow (`$max`), so concurrent
   * writers (other instances, or this one's inline and catch-up paths) cannot move one back.
   */
  applyEvents(
    events: readonly ProjectedEvent[],
    checkpoint?: ProjectionCheckpoint,
  ): Promise<number> {
    return this.runUnbounded(async () => {
      const stored = await this.storedStreamRevisions(events);
      const { changes, advanced } = sequenceEvents(events, (stream) => stored.get(stream) ?? -1);
      // One change per document after merging, so the writes can run side by side.
      const pending = mergeChanges(changes);
      let applied = 0;
      for (let i = 0; i < pending.length; i += PARALLEL_WRITES) {
        const results = await Promise.all(
          pending.slice(i, i + PARALLEL_WRITES).map((change) => this.applyOne(change)),
        );
        applied += results.reduce((sum, n) => sum + n, 0);
      }
      await this.advanceStreams(advanced);
      if (checkpoint) await this.storeCheckpoint(checkpoint);
      return applied;
    });
  }

  /** The stored revision of each stream whose first event in the batch is not its first one. */
  private async storedStreamRevisions(
    events: readonly ProjectedEvent[],
  ): Promise<Map<string, number>> {
    const first = new Map<string, number>();
    for (const event of events) {
      if (!first.has(event.streamName)) first.set(event.streamName, event.revision);
    }
    const wanted = [...first].filter(([, revision]) => revision > 0).map(([name]) => name);
    const stored = new Map<string, number>();
    for (let i = 0; i < wanted.length; i += STREAMS_PER_CALL) {
      const docs = await this.streamRevisions
        .find({ _id: { $in: wanted.slice(i, i + STREAMS_PER_CALL) } })
        .lean<StreamRevisionDoc[]>();
      for (const doc of docs) stored.set(doc._id, doc.revision);
    }
    return stored;
  }

  private async advanceStreams(advanced: ReadonlyMap<string, number>): Promise<void> {
    const operations = [...advanced].map(([stream, revision]) => ({
      updateOne: {
        filter: { _id: stream },
        update: { $max: { revision } },
        upsert: true,
      },
    }));
    for (let i = 0; i < operations.length; i += STREAMS_PER_CALL) {
      const chunk = operations.slice(i, i + STREAMS_PER_CALL);
      try {
        await this.streamRevisions.bulkWrite(chunk, { ordered: false });
      } catch (error) {
        // Two writers inserted the same new stream at once; it exists now, so `$max` applies.
        if (!isDuplicateKey(error) && !isBulkDuplicateKey(error)) throw error;
        await this.streamRevisions.bulkWrite(chunk, { ordered: false });
      }
    }
  }

  getCheckpoint(projection: string): Promise<Position | null> {
    return this.run(async () => {
      const doc = await this.checkpoints
        .findOne({ _id: { $eq: projection } })
        .lean<CheckpointDoc>();
      return doc?.position ?? null;
    });
  }

  clear(): Promise<void> {
    return this.runUnbounded(async () => {
      // deleteMany rather than drop: the collections and their indexes stay.
      await Promise.all([
        this.tokens.deleteMany({}),
        this.users.deleteMany({}),
        this.projects.deleteMany({}),
        this.memberships.deleteMany({}),
        this.tokenPolicy.deleteMany({}),
        this.checkpoints.deleteMany({}),
        this.streamRevisions.deleteMany({}),
        this.logBinding().deleteMany({}),
      ]);
      // A database wiped under the running process lost its indexes with its collections:
      // without them every lookup by token hash scans the collection (and the unique index on
      // it is gone). Creating an index that exists is a no-op.
      await this.createAllIndexes();
    });
  }

  findTokenByHash(tokenHash: string): Promise<TokenRecord | null> {
    return this.run(async () =>
      toToken(await this.tokens.findOne({ tokenHash: { $eq: tokenHash } }).lean<TokenDoc>()),
    );
  }

  /** Nothing to trade: the upserts are the same either way, and indexes must stay for others. */
  async setBulkLoading(_on: boolean): Promise<void> {}

  async findTokenCredential(tokenHash: string): Promise<TokenCredential | null> {
    // Read on every request and never cached here: other API instances write this database.
    const token = await this.findTokenByHash(tokenHash);
    if (!token) return null;
    const [owner, policy] = await Promise.all([
      this.findUserById(token.userId),
      this.getTokenPolicy(),
    ]);
    return { token, owner, policy };
  }

  findTokenById(tokenId: string): Promise<TokenRecord | null> {
    return this.run(async () =>
      toToken(await this.tokens.findOne({ _id: { $eq: tokenId } }).lean<TokenDoc>()),
    );
  }

  listTokensByUser(userId: string): Promise<TokenRecord[]> {
    return this.run(async () => {
      const docs = await this.tokens
        .find({ userId: { $eq: userId } })
        .sort({ createdAt: -1, _id: -1 })
        .lean<TokenDoc[]>();
      return docs.map((doc) => toToken(doc)!);
    });
  }

  listTokensOfUserPage(userId: string, page: KeysetPage<TokenSortKey>): Promise<TokenRecord[]> {
    return this.run(async () => {
      const after = page.after;
      const docs = await this.tokens
        .find({
          userId: { $eq: userId },
          ...(after
            ? {
                $or: [
                  { createdAt: { $lt: after.createdAt } },
                  { createdAt: { $eq: after.createdAt }, _id: { $lt: after.tokenId } },
                ],
              }
            : {}),
        })
        .sort({ createdAt: -1, _id: -1 })
        .limit(page.limit)
        .lean<TokenDoc[]>();
      return docs.map((doc) => toToken(doc)!);
    });
  }

  listUsersPage(page: KeysetPage<UserSortKey>): Promise<UserRecord[]> {
    return this.run(async () => {
      const after = page.after;
      const docs = await this.users
        .find({
          deletedAt: null,
          ...(after
            ? {
                $or: [
                  { usernameKey: { $gt: after.usernameKey } },
                  { usernameKey: { $eq: after.usernameKey }, _id: { $gt: after.userId } },
                ],
              }
            : {}),
        })
        .sort({ usernameKey: 1, _id: 1 })
        .limit(page.limit)
        .lean<UserDoc[]>();
      return docs.map((doc) => toUser(doc)!);
    });
  }

  countActiveTokensOfUser(userId: string, active: ActiveAt): Promise<number> {
    return this.run(() =>
      this.tokens
        .countDocuments({
          userId: { $eq: userId },
          revokedAt: null,
          expiresAt: { $gt: active.at },
          createdAt: { $gt: createdAfterFor(active) },
        })
        .exec(),
    );
  }

  /**
   * No join here (FerretDB has no `$lookup` to rely on): a page of candidate tokens, then their
   * owners deleted by the instant are looked up and their tokens dropped, and the page is filled
   * up from further candidates. Such tokens are rare: the deletion's process manager revokes them
   * right after, and once revoked the store filter already leaves them out.
   */
  listTokensActiveAtPage(
    active: ActiveAt,
    userId: string | null,
    page: KeysetPage<TokenSortKey>,
  ): Promise<TokenRecord[]> {
    return this.run(async () => {
      const found: TokenRecord[] = [];
      let after = page.after;
      for (;;) {
        const wanted = page.limit - found.length;
        const docs = await this.tokens
          .find({
            $and: [
              ...(userId === null ? [] : [{ userId: { $eq: userId } }]),
              { createdAt: { $gt: createdAfterFor(active), $lte: active.at } },
              { expiresAt: { $gt: active.at } },
              { $or: [{ revokedAt: null }, { revokedAt: { $gt: active.at } }] },
              ...(after
                ? [
                    {
                      $or: [
                        { createdAt: { $gt: after.createdAt } },
                        { createdAt: { $eq: after.createdAt }, _id: { $gt: after.tokenId } },
                      ],
                    },
                  ]
                : []),
            ],
          })
          .sort({ createdAt: 1, _id: 1 })
          .limit(wanted)
          .lean<TokenDoc[]>();
        if (docs.length === 0) return found;
        const owners = [...new Set(docs.map((doc) => doc.userId))];
        const gone = await this.users
          .find({ _id: { $in: owners }, deletedAt: { $lte: active.at } }, { _id: 1 })
          .lean<Array<{ _id: string }>>();
        const goneIds = new Set(gone.map((user) => user._id));
        for (const doc of docs) if (!goneIds.has(doc.userId)) found.push(toToken(doc)!);
        if (docs.length < wanted || found.length >= page.limit) return found;
        const last = docs[docs.length - 1];
        after = { createdAt: last.createdAt, tokenId: last._id };
      }
    });
  }

  findUserById(userId: string): Promise<UserRecord | null> {
    return this.run(async () =>
      toUser(await this.users.findOne({ _id: { $eq: userId } }).lean<UserDoc>()),
    );
  }

  findUserByUsernameKey(usernameKey: string): Promise<UserRecord | null> {
    return this.run(async () =>
      toUser(
        await this.users
          .findOne({ usernameKey: { $eq: usernameKey }, deletedAt: null })
          .lean<UserDoc>(),
      ),
    );
  }

  listUsers(): Promise<UserRecord[]> {
    return this.run(async () => {
      const docs = await this.users
        .find({ deletedAt: null })
        .sort({ usernameKey: 1, _id: 1 })
        .lean<UserDoc[]>();
      return docs.map((doc) => toUser(doc)!);
    });
  }

  countUsers(): Promise<number> {
    return this.run(() => this.users.countDocuments({ deletedAt: null }).exec());
  }

  findProjectById(projectId: string): Promise<ProjectRecord | null> {
    return this.run(async () =>
      toProject(await this.projects.findOne({ _id: { $eq: projectId } }).lean<ProjectDoc>()),
    );
  }

  listProjects(): Promise<ProjectRecord[]> {
    return this.run(async () => {
      const docs = await this.projects.find({}).sort({ nameKey: 1, _id: 1 }).lean<ProjectDoc[]>();
      return docs.map((doc) => toProject(doc)!);
    });
  }

  findMembership(projectId: string, userId: string): Promise<MembershipRecord | null> {
    return this.run(async () => {
      const doc = await this.memberships
        .findOne({ _id: { $eq: membershipId(projectId, userId) } })
        .lean<MembershipDoc>();
      // A removed member keeps its document, with role null.
      return doc && doc.role != null ? toMembership(doc) : null;
    });
  }

  listMembershipsOfUser(userId: string): Promise<MembershipRecord[]> {
    return this.run(async () => {
      const docs = await this.memberships
        .find({ userId: { $eq: userId }, role: { $ne: null } })
        .sort({ projectId: 1 })
        .lean<MembershipDoc[]>();
      return docs.map(toMembership);
    });
  }

  listMembersOfProject(projectId: string): Promise<MembershipRecord[]> {
    return this.run(async () => {
      const docs = await this.memberships
        .find({ projectId: { $eq: projectId }, role: { $ne: null } })
        .sort({ userId: 1 })
        .lean<MembershipDoc[]>();
      return docs.map(toMembership);
    });
  }

  getTokenPolicy(): Promise<TokenPolicyRecord | null> {
    return this.run(async () => {
      const doc = await this.tokenPolicy
        .findOne({ _id: { $eq: 'current' } })
        .lean<TokenPolicyDoc>();
      return doc ? (stripIds(doc) as unknown as TokenPolicyRecord) : null;
    });
  }

  allDocuments(collection: ReadModelCollection): Promise<Array<{ id: string; doc: object }>> {
    return this.run(async () => {
      const docs = await this.modelOf(collection)
        .find({})
        .sort({ _id: 1 })
        .lean<Array<RevisionedDoc & { _id: string }>>();
      const idField = ID_FIELD[collection];
      return docs.map((doc) => {
        const record: Record<string, unknown> = idField
          ? { [idField]: doc._id, ...stripIds(doc) }
          : stripIds(doc);
        if (collection === 'projects') delete record.nameKey;
        return { id: doc._id, doc: record };
      });
    });
  }

  async ping(): Promise<void> {
    await this.run(async () => {
      const db = this.connection.db;
      if (!db) throw new ReadModelUnavailableError('The read model is not connected');
      await db.command({ ping: 1 });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.connection.close();
  }

  readLogBinding(): Promise<string | null> {
    return this.run(async () => {
      const doc = await this.logBinding().findOne({ _id: LOG_BINDING_ID });
      return doc?.logId ?? null;
    });
  }

  /** The `_id` is fixed, so of several instances inserting at once exactly one succeeds. */
  bindToLog(logId: string): Promise<void> {
    return this.run(async () => {
      try {
        await this.logBinding().insertOne({ _id: LOG_BINDING_ID, logId });
        return;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const bound = await this.logBinding().findOne({ _id: LOG_BINDING_ID });
      if (bound && bound.logId !== logId) {
        throw new ReadModelBoundToAnotherLogError(bound.logId, logId);
      }
    });
  }

  private logBinding() {
    const db = this.connection.db;
    if (!db) throw new ReadModelUnavailableError('The read model is not connected');
    return db.collection<LogBindingDoc>('log_binding');
  }

  private applyOne(change: ReadModelChange): Promise<number> {
    if (change.collection === 'tokenUsage') {
      // Serialized with the token's own changes: both write the token document.
      return this.serialized(`tokens/${change.id}`, () => this.applyUsage(change));
    }
    return this.serialized(`${change.collection}/${change.id}`, () => this.upsertOne(change));
  }

  /** A use from the token's usage stream, on the token document (see TokenUsageChange). */
  private async applyUsage(change: TokenUsageChange): Promise<number> {
    const result = await this.tokens.updateOne(
      {
        _id: change.id,
        $or: [{ usageRevision: { $exists: false } }, { usageRevision: { $lt: change.revision } }],
      },
      { $set: { ...change.set, usageRevision: change.revision } },
    );
    return result.modifiedCount;
  }

  /**
   * One revision-guarded upsert. The filter matches only an older revision; when the document
   * exists with this revision or a newer one, the upsert's insert hits the `_id` index (E11000),
   * which means "already applied".
   */
  private async upsertOne(change: Exclude<ReadModelChange, TokenUsageChange>): Promise<number> {
    const model = this.modelOf(change.collection);
    const set = storedFields(change);
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await model.updateOne(
          { _id: change.id, revision: { $lt: change.revision } },
          { $set: { ...set, revision: change.revision } },
          { upsert: true },
        );
        return result.modifiedCount + result.upsertedCount;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // FerretDB's E11000 does not name the index, so look at the document itself.
        const current = await model
          .findOne({ _id: { $eq: change.id } }, { revision: 1 })
          .lean<{ revision: number }>();
        if (current && current.revision >= change.revision) return 0;
        if (!current) {
          throw new Error(
            `Read model change for ${change.collection}/${change.id} violates a unique index`,
            { cause: error },
          );
        }
        // Another writer created the document with an older revision between our filter and
        // our insert; the filter matches it now.
        if (attempt >= MAX_APPLY_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Runs writes to one document one after another within this process. MongoDB applies the
   * revision guard atomically anyway; FerretDB evaluates the filter and then writes by `_id`, so
   * without this two concurrent changes could both apply, or an older one overwrite a newer one.
   */
  private async serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.inFlight.get(key) ?? Promise.resolve();
    const current = previous.then(work);
    const tail = current.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.inFlight.get(key) === tail) this.inFlight.delete(key);
    }
  }

  private async storeCheckpoint(checkpoint: ProjectionCheckpoint): Promise<void> {
    const write = () =>
      this.checkpoints.updateOne(
        { _id: checkpoint.projection },
        { $set: { position: checkpoint.position } },
        { upsert: true },
      );
    try {
      await write();
    } catch (error) {
      // Two writers inserted the same new checkpoint at once (MongoDB 4.2+ retries this on the
      // server, FerretDB does not); the document exists now, so the update path applies.
      if (!isDuplicateKey(error)) throw error;
      await write();
    }
  }

  private modelOf(collection: Collection): Model<RevisionedDoc> {
    const models: Record<Collection, unknown> = {
      tokens: this.tokens,
      users: this.users,
      projects: this.projects,
      memberships: this.memberships,
      tokenPolicy: this.tokenPolicy,
    };
    return models[collection] as Model<RevisionedDoc>;
  }

  /**
   * Waits for the first connection and turns connection failures into ReadModelUnavailableError.
   * Bounded by operationTimeoutMs: what has not answered by then fails as unavailable (the call
   * itself goes on; a write may still land, which the revision guards make harmless).
   */
  private run<T>(work: () => Promise<T>): Promise<T> {
    return this.runUnbounded(() => withDeadline(work(), this.operationTimeoutMs, 'the read model'));
  }

  /**
   * For work made of many calls whose total may rightly exceed the bound (batches, index builds):
   * each network read is still bounded by socketTimeoutMS.
   */
  private async runUnbounded<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new ReadModelUnavailableError('The read model is closed');
    try {
      await withDeadline(this.ready, this.operationTimeoutMs, 'the read model');
      return await work();
    } catch (error) {
      if (error instanceof DeadlineExceededError) {
        throw new ReadModelUnavailableError(error.message, { cause: error });
      }
      if (error instanceof ReadModelUnavailableError) throw error;
      if (this.closed || isUnavailable(error)) {
        throw new ReadModelUnavailableError(
          `The read model cannot be reached: ${(error as Error).message}`,
          { cause: error },
        );
      }
      throw error;
    }
  }
}

/** `mongodb://user:secret@host:27017/pat?authSource=x` → `mongodb://host:27017/pat`. */
function describeLocation(uri: string, dbName: string | undefined): string {
  const match = /^([a-z+]+:\/\/)(?:[^@/]*@)?([^/?]*)(?:\/([^?]*))?/i.exec(uri);
  if (!match) return 'MongoDB';
  const database = dbName ?? (match[3] || 'test');
  return `${match[1]}${match[2]}/${database}`;
}

/** The fields a change sets, as stored: without the id field, plus derived sort keys. */
function storedFields(change: Exclude<ReadModelChange, TokenUsageChange>): Record<string, unknown> {
  const idField = ID_FIELD[change.collection];
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(change.set)) {
    // The id lives in `_id`; undefined means "not part of this change".
    if (key !== idField && value !== undefined) set[key] = value;
  }
  if (change.collection === 'projects' && typeof set.name === 'string') {
    set.nameKey = set.name.toLowerCase();
  }
  return set;
}

function stripIds(doc: object): Record<string, unknown> {
  const { _id: _ignoredId, __v: _ignoredVersion, ...rest } = doc as Record<string, unknown>;
  return rest;
}

function toToken(doc: TokenDoc | null): TokenRecord | null {
  return doc ? ({ tokenId: doc._id, ...stripIds(doc) } as unknown as TokenRecord) : null;
}

function toUser(doc: UserDoc | null): UserRecord | null {
  return doc ? ({ userId: doc._id, ...stripIds(doc) } as unknown as UserRecord) : null;
}

function toProject(doc: ProjectDoc | null): ProjectRecord | null {
  if (!doc) return null;
  const { nameKey: _ignoredKey, ...rest } = stripIds(doc);
  return { projectId: doc._id, ...rest } as unknown as ProjectRecord;
}

function toMembership(doc: MembershipDoc): MembershipRecord {
  return stripIds(doc) as unknown as MembershipRecord;
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof mongoose.mongo.MongoServerError && error.code === DUPLICATE_KEY;
}

function isBulkDuplicateKey(error: unknown): boolean {
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
