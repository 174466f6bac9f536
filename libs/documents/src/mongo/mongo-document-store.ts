import { sumInWaves } from '@pat/shared';
import mongoose, { Connection } from 'mongoose';
import type { Position } from '@pat/event-store';
import {
  Checkpoint,
  CollectionSpec,
  Condition,
  DocumentChange,
  DocumentStore,
  FindOptions,
  StoredDocument,
  Where,
  assertPlainName,
  assertSettable,
  mergeDocumentChanges,
} from '../document-store.port';

const DUPLICATE_KEY = 11000;
const CHECKPOINTS = 'document_checkpoints';
/** Writes of one batch in flight at once: distinct documents after merging. */
const PARALLEL_WRITES = 16;

const collectionName = (collection: string) => {
  assertPlainName('collection', collection);
  return `docs_${collection}`;
};

const path = (field: string) => {
  assertPlainName('field', field);
  return field === 'id' ? '_id' : field;
};

interface MongoDoc {
  _id: string;
  revision: number;
  [field: string]: unknown;
}

/**
 * The document store on MongoDB, in the read model's database (collections `docs_<name>`),
 * with the native driver through a mongoose connection of its own. No multi-document
 * transactions without a replica set: documents first, then the checkpoint, and the revision
 * guard skips what a crash in between makes the read model apply again.
 */
export class MongoDocumentStore implements DocumentStore {
  private constructor(private readonly connection: Connection) {}

  static async connect(uri: string, operationTimeoutMs = 5000): Promise<MongoDocumentStore> {
    const connection = mongoose.createConnection(uri, {
      serverSelectionTimeoutMS: 2000,
      connectTimeoutMS: 2000,
      socketTimeoutMS: operationTimeoutMs,
      bufferCommands: false,
      autoIndex: false,
      autoCreate: false,
    });
    await connection.asPromise();
    return new MongoDocumentStore(connection);
  }

  async declare(collections: readonly CollectionSpec[]): Promise<void> {
    for (const spec of collections) {
      const collection = this.collection(spec.name);
      for (const index of spec.indexes) {
        await collection.createIndex(Object.fromEntries(index.fields.map((f) => [path(f), 1])));
      }
    }
  }

  async get(collection: string, id: string): Promise<StoredDocument | null> {
    const doc = await this.collection(collection).findOne({ _id: { $eq: id } });
    return doc ? toDocument(doc) : null;
  }

  async find(
    collection: string,
    where: Where,
    options: FindOptions = {},
  ): Promise<StoredDocument[]> {
    let cursor = this.collection(collection).find(filterOf(where));
    if (options.sort?.length) {
      cursor = cursor.sort(
        options.sort.map(([field, direction]): [string, 1 | -1] => [path(field), direction]),
      );
    }
    if (options.limit !== undefined) cursor = cursor.limit(Math.max(0, Math.floor(options.limit)));
    return (await cursor.toArray()).map(toDocument);
  }

  async count(collection: string, where: Where): Promise<number> {
    return this.collection(collection).countDocuments(filterOf(where));
  }

  async apply(changes: readonly DocumentChange[], checkpoint: Checkpoint): Promise<number> {
    changes.forEach(assertSettable);
    const pending = mergeDocumentChanges(changes);
    const applied = await sumInWaves(pending, PARALLEL_WRITES, (change) => this.applyOne(change));
    await this.db()
      .collection<{ _id: string; position: string }>(CHECKPOINTS)
      .updateOne(
        { _id: checkpoint.name },
        { $set: { position: checkpoint.position } },
        { upsert: true },
      );
    return applied;
  }

  async readCheckpoint(name: string): Promise<Position | null> {
    const doc = await this.db()
      .collection<{ _id: string; position: string }>(CHECKPOINTS)
      .findOne({ _id: { $eq: name } });
    return doc?.position ?? null;
  }

  async reset(collections: readonly string[], checkpoint: string): Promise<void> {
    for (const collection of collections) await this.collection(collection).deleteMany({});
    await this.db().collection<{ _id: string }>(CHECKPOINTS).deleteOne({ _id: checkpoint });
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  /**
   * The filter matches only an older revision; when the document is at this revision or a
   * newer one, the upsert's insert hits the `_id` index: already applied.
   */
  private async applyOne(change: DocumentChange): Promise<number> {
    try {
      const result = await this.collection(change.collection).updateOne(
        { _id: change.id, revision: { $lt: change.revision } },
        { $set: { ...change.set, revision: change.revision } },
        { upsert: true },
      );
      return result.modifiedCount + result.upsertedCount;
    } catch (error) {
      if (error instanceof mongoose.mongo.MongoServerError && error.code === DUPLICATE_KEY) {
        return 0;
      }
      throw error;
    }
  }

  private db() {
    const db = this.connection.db;
    if (!db) throw new Error('The document store is not connected');
    return db;
  }

  private collection(collection: string) {
    return this.db().collection<MongoDoc>(collectionName(collection));
  }
}

function toDocument({ _id, ...fields }: MongoDoc): StoredDocument {
  return { ...fields, id: _id, revision: fields.revision };
}

function filterOf(where: Where): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(where).map(([field, condition]) => [path(field), operatorOf(condition)]),
  );
}

function operatorOf(condition: Condition): unknown {
  if (condition !== null && typeof condition === 'object') {
    return 'gt' in condition ? { $gt: condition.gt } : { $lt: condition.lt };
  }
  // $eq: a value is never read as an operator.
  return { $eq: condition };
}
