import type { Position } from '@pat/event-store';
import {
  ActiveAt,
  KeysetPage,
  MembershipRecord,
  ProjectedEvent,
  ProjectionCheckpoint,
  ProjectRecord,
  ReadModel,
  ReadModelBoundToAnotherLogError,
  ReadModelCollection,
  TokenCredential,
  TokenPolicyRecord,
  TokenRecord,
  TokenSortKey,
  UserRecord,
  UserSortKey,
} from '../read-model.port';
import { MongoChangeWriter } from './mongo-change-writer';
import { MongoStoreConnection, MongoStoreOptions, isDuplicateKey } from './mongo-connection';
import {
  CheckpointDoc,
  ID_FIELD,
  LOG_BINDING_ID,
  LogBindingDoc,
  MongoModels,
  RevisionedDoc,
  createModels,
  modelOf,
  stripIds,
} from './mongo-documents';
import { MongoIdentityQueries } from './mongo-identity-queries';
import { MongoTokenQueries } from './mongo-token-queries';

export type MongoReadModelOptions = MongoStoreOptions;

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
  private readonly mongo: MongoStoreConnection;
  private readonly models: MongoModels;
  private readonly writer: MongoChangeWriter;
  private readonly tokenQueries: MongoTokenQueries;
  private readonly identityQueries: MongoIdentityQueries;

  /** Starts connecting; prefer `connect`, which also waits for the connection and the indexes. */
  constructor(uri: string, options: MongoReadModelOptions = {}) {
    this.mongo = new MongoStoreConnection(uri, options, 'read model');
    this.location = describeLocation(uri, options.dbName);
    this.models = createModels(this.mongo.connection);
    this.writer = new MongoChangeWriter(this.models);
    this.tokenQueries = new MongoTokenQueries(this.models, this.mongo);
    this.identityQueries = new MongoIdentityQueries(this.models, this.mongo);
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
    return this.mongo.runUnbounded(() => this.createAllIndexes());
  }

  private async createAllIndexes(): Promise<void> {
    await this.models.tokens.createIndexes();
    await this.models.users.createIndexes();
    await this.models.projects.createIndexes();
    await this.models.memberships.createIndexes();
  }

  /** Not atomic: see MongoChangeWriter.applyEvents for the order of the writes. */
  applyEvents(
    events: readonly ProjectedEvent[],
    checkpoint?: ProjectionCheckpoint,
  ): Promise<number> {
    return this.mongo.runUnbounded(() => this.writer.applyEvents(events, checkpoint));
  }

  getCheckpoint(projection: string): Promise<Position | null> {
    return this.mongo.run(async () => {
      const doc = await this.models.checkpoints
        .findOne({ _id: { $eq: projection } })
        .lean<CheckpointDoc>();
      return doc?.position ?? null;
    });
  }

  clear(): Promise<void> {
    return this.mongo.runUnbounded(async () => {
      // deleteMany rather than drop: the collections and their indexes stay.
      await Promise.all([
        this.models.tokens.deleteMany({}),
        this.models.users.deleteMany({}),
        this.models.projects.deleteMany({}),
        this.models.memberships.deleteMany({}),
        this.models.tokenPolicy.deleteMany({}),
        this.models.checkpoints.deleteMany({}),
        this.models.streamRevisions.deleteMany({}),
        this.logBinding().deleteMany({}),
      ]);
      // A database wiped under the running process lost its indexes with its collections:
      // without them every lookup by token hash scans the collection (and the unique index on
      // it is gone). Creating an index that exists is a no-op.
      await this.createAllIndexes();
    });
  }

  findTokenByHash(tokenHash: string): Promise<TokenRecord | null> {
    return this.tokenQueries.findTokenByHash(tokenHash);
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
    return this.tokenQueries.findTokenById(tokenId);
  }

  listTokensByUser(userId: string): Promise<TokenRecord[]> {
    return this.tokenQueries.listTokensByUser(userId);
  }

  listTokensOfUserPage(userId: string, page: KeysetPage<TokenSortKey>): Promise<TokenRecord[]> {
    return this.tokenQueries.listTokensOfUserPage(userId, page);
  }

  listUsersPage(page: KeysetPage<UserSortKey>): Promise<UserRecord[]> {
    return this.identityQueries.listUsersPage(page);
  }

  countActiveTokensOfUser(userId: string, active: ActiveAt): Promise<number> {
    return this.tokenQueries.countActiveTokensOfUser(userId, active);
  }

  listTokensActiveAtPage(
    active: ActiveAt,
    userId: string | null,
    page: KeysetPage<TokenSortKey>,
  ): Promise<TokenRecord[]> {
    return this.tokenQueries.listTokensActiveAtPage(active, userId, page);
  }

  findUserById(userId: string): Promise<UserRecord | null> {
    return this.identityQueries.findUserById(userId);
  }

  findUserByUsernameKey(usernameKey: string): Promise<UserRecord | null> {
    return this.identityQueries.findUserByUsernameKey(usernameKey);
  }

  listUsers(): Promise<UserRecord[]> {
    return this.identityQueries.listUsers();
  }

  countUsers(): Promise<number> {
    return this.identityQueries.countUsers();
  }

  findProjectById(projectId: string): Promise<ProjectRecord | null> {
    return this.identityQueries.findProjectById(projectId);
  }

  listProjects(): Promise<ProjectRecord[]> {
    return this.identityQueries.listProjects();
  }

  findMembership(projectId: string, userId: string): Promise<MembershipRecord | null> {
    return this.identityQueries.findMembership(projectId, userId);
  }

  listMembershipsOfUser(userId: string): Promise<MembershipRecord[]> {
    return this.identityQueries.listMembershipsOfUser(userId);
  }

  listMembersOfProject(projectId: string): Promise<MembershipRecord[]> {
    return this.identityQueries.listMembersOfProject(projectId);
  }

  getTokenPolicy(): Promise<TokenPolicyRecord | null> {
    return this.tokenQueries.getTokenPolicy();
  }

  allDocuments(collection: ReadModelCollection): Promise<Array<{ id: string; doc: object }>> {
    return this.mongo.run(async () => {
      const docs = await modelOf(this.models, collection)
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

  ping(): Promise<void> {
    return this.mongo.ping();
  }

  close(): Promise<void> {
    return this.mongo.close();
  }

  readLogBinding(): Promise<string | null> {
    return this.mongo.run(async () => {
      const doc = await this.logBinding().findOne({ _id: LOG_BINDING_ID });
      return doc?.logId ?? null;
    });
  }

  /** The `_id` is fixed, so of several instances inserting at once exactly one succeeds. */
  bindToLog(logId: string): Promise<void> {
    return this.mongo.run(async () => {
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
    return this.mongo.db().collection<LogBindingDoc>('log_binding');
  }
}

/** `mongodb://user:secret@host:27017/pat?authSource=x` → `mongodb://host:27017/pat`. */
function describeLocation(uri: string, dbName: string | undefined): string {
  const match = /^([a-z+]+:\/\/)(?:[^@/]*@)?([^/?]*)(?:\/([^?]*))?/i.exec(uri);
  if (!match) return 'MongoDB';
  const database = dbName ?? (match[3] || 'test');
  return `${match[1]}${match[2]}/${database}`;
}
