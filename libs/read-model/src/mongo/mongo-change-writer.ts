import { sumInWaves } from '@pat/shared';
import type {
  ProjectedEvent,
  ProjectionCheckpoint,
  ReadModelChange,
  TokenUsageChange,
} from '../read-model.port';
import { mergeChanges, sequenceEvents } from '../read-model.port';
import { isBulkDuplicateKey, isDuplicateKey } from './mongo-connection';
import { MongoModels, StreamRevisionDoc, modelOf, storedFields } from './mongo-documents';

/** Documents written concurrently within one batch. */
const PARALLEL_WRITES = 16;
/** Attempts of one change when concurrent writers keep creating the document under us. */
const MAX_APPLY_ATTEMPTS = 3;
/** Stream names per `$in` lookup and stream revisions per bulk write. */
const STREAMS_PER_CALL = 1000;

/**
 * The write side of the MongoDB read model: batches of projected events applied as
 * revision-guarded upserts, then the stream revisions, then the checkpoint.
 */
export class MongoChangeWriter {
  /** The last pending write of each document, by collection and id (see `serialized`). */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly models: MongoModels) {}

  /**
   * Not atomic (no multi-document transactions without a replica set), so the order matters:
   * documents first, then the stream revisions, then the checkpoint. A crash in between leaves
   * the stream revisions behind the documents, and the replayed events are skipped by the
   * documents' own revision guard. The stream revisions only ever grow (`$max`), so concurrent
   * writers (other instances, or this one's inline and catch-up paths) cannot move one back.
   */
  async applyEvents(
    events: readonly ProjectedEvent[],
    checkpoint?: ProjectionCheckpoint,
  ): Promise<number> {
    const stored = await this.storedStreamRevisions(events);
    const { changes, advanced } = sequenceEvents(events, (stream) => stored.get(stream) ?? -1);
    // One change per document after merging, so the writes can run side by side.
    const pending = mergeChanges(changes);
    const applied = await sumInWaves(pending, PARALLEL_WRITES, (change) => this.applyOne(change));
    await this.advanceStreams(advanced);
    if (checkpoint) await this.storeCheckpoint(checkpoint);
    return applied;
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
      const docs = await this.models.streamRevisions
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
        await this.models.streamRevisions.bulkWrite(chunk, { ordered: false });
      } catch (error) {
        // Two writers inserted the same new stream at once; it exists now, so `$max` applies.
        if (!isDuplicateKey(error) && !isBulkDuplicateKey(error)) throw error;
        await this.models.streamRevisions.bulkWrite(chunk, { ordered: false });
      }
    }
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
    const result = await this.models.tokens.updateOne(
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
    const model = modelOf(this.models, change.collection);
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
      this.models.checkpoints.updateOne(
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
}
