import { Connection, Model, Schema } from 'mongoose';
import type {
  MembershipRecord,
  ProjectRecord,
  ReadModelChange,
  ReadModelCollection,
  TokenPolicyRecord,
  TokenRecord,
  TokenUsageChange,
  UserRecord,
} from '../read-model.port';

/**
 * How the MongoDB read model stores its documents: one collection per kind, the schemas and
 * indexes, and the conversion between stored documents and the port's records.
 */

type Collection = ReadModelCollection;

/** Stored documents: the record with its id field moved to `_id`. */
export type TokenDoc = Omit<TokenRecord, 'tokenId'> & { _id: string };
export type UserDoc = Omit<UserRecord, 'userId'> & { _id: string };
/**
 * `nameKey` is the lower-cased name, kept for sorting: FerretDB has no collations, so
 * listProjects sorts by this field instead of by `name` with a case-insensitive collation.
 */
export type ProjectDoc = Omit<ProjectRecord, 'projectId'> & { _id: string; nameKey: string };
/** `_id` is membershipId(projectId, userId); both parts stay fields of their own for queries. */
export type MembershipDoc = MembershipRecord & { _id: string };
export type TokenPolicyDoc = TokenPolicyRecord & { _id: 'current' };
/** What applyEvents needs of every document kind. */
export interface RevisionedDoc {
  _id: string;
  revision: number;
}
/** One document: the id of the event log the read model was built from. */
export interface LogBindingDoc {
  _id: string;
  logId: string;
}
export const LOG_BINDING_ID = 'log';

export interface CheckpointDoc {
  _id: string;
  position: string;
}
/** The last revision of a stream the documents reflect (`_id` is the stream name). */
export interface StreamRevisionDoc {
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
export const ID_FIELD: Record<Collection, string | null> = {
  tokens: 'tokenId',
  users: 'userId',
  projects: 'projectId',
  // The id is derived from both fields, which the queries need as they are.
  memberships: null,
  tokenPolicy: null,
};

/** The models of one connection, one per collection. */
export interface MongoModels {
  readonly tokens: Model<TokenDoc>;
  readonly users: Model<UserDoc>;
  readonly projects: Model<ProjectDoc>;
  readonly memberships: Model<MembershipDoc>;
  readonly tokenPolicy: Model<TokenPolicyDoc>;
  readonly checkpoints: Model<CheckpointDoc>;
  readonly streamRevisions: Model<StreamRevisionDoc>;
}

export function createModels(connection: Connection): MongoModels {
  return {
    tokens: connection.model<TokenDoc>('Token', tokenSchema),
    users: connection.model<UserDoc>('User', userSchema),
    projects: connection.model<ProjectDoc>('Project', projectSchema),
    memberships: connection.model<MembershipDoc>('Membership', membershipSchema),
    tokenPolicy: connection.model<TokenPolicyDoc>('TokenPolicy', tokenPolicySchema),
    checkpoints: connection.model<CheckpointDoc>('Checkpoint', checkpointSchema),
    streamRevisions: connection.model<StreamRevisionDoc>('StreamRevision', streamRevisionSchema),
  };
}

/** The model of a document collection, for the code that treats every kind alike. */
export function modelOf(models: MongoModels, collection: Collection): Model<RevisionedDoc> {
  const byCollection: Record<Collection, unknown> = {
    tokens: models.tokens,
    users: models.users,
    projects: models.projects,
    memberships: models.memberships,
    tokenPolicy: models.tokenPolicy,
  };
  return byCollection[collection] as Model<RevisionedDoc>;
}

/** The fields a change sets, as stored: without the id field, plus derived sort keys. */
export function storedFields(
  change: Exclude<ReadModelChange, TokenUsageChange>,
): Record<string, unknown> {
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

export function stripIds(doc: object): Record<string, unknown> {
  const { _id: _ignoredId, __v: _ignoredVersion, ...rest } = doc as Record<string, unknown>;
  return rest;
}

export function toToken(doc: TokenDoc | null): TokenRecord | null {
  return doc ? ({ tokenId: doc._id, ...stripIds(doc) } as unknown as TokenRecord) : null;
}

export function toUser(doc: UserDoc | null): UserRecord | null {
  return doc ? ({ userId: doc._id, ...stripIds(doc) } as unknown as UserRecord) : null;
}

export function toProject(doc: ProjectDoc | null): ProjectRecord | null {
  if (!doc) return null;
  const { nameKey: _ignoredKey, ...rest } = stripIds(doc);
  return { projectId: doc._id, ...rest } as unknown as ProjectRecord;
}

export function toMembership(doc: MembershipDoc): MembershipRecord {
  return stripIds(doc) as unknown as MembershipRecord;
}
