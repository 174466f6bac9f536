import Database from 'better-sqlite3';
import {
  ProjectedEvent,
  ProjectionCheckpoint,
  ReadModelChange,
  TokenRecord,
  TokenUsageChange,
  mergeChanges,
  sequenceEvents,
} from '../read-model.port';
import type { DocumentCache } from './document-cache';
import { Collection, INDEXED_FIELDS } from './sqlite-read-model-schema';
import type { ReadModelStatements } from './sqlite-read-model-statements';

/**
 * The write side of the embedded read model: a batch of projected events and its checkpoint in
 * one transaction, each change a revision-guarded upsert that drops the cache entries it makes
 * stale.
 */
export class SqliteChangeWriter {
  private readonly select: ReadModelStatements['select'];
  private readonly upsert: ReadModelStatements['upsert'];
  private readonly queries: ReadModelStatements['queries'];
  /** Applies the events and stores the checkpoint, all or nothing; the number of writes made. */
  readonly applyTransaction: (
    events: readonly ProjectedEvent[],
    checkpoint?: ProjectionCheckpoint,
  ) => number;

  constructor(
    db: Database.Database,
    statements: ReadModelStatements,
    private readonly cache: DocumentCache<Collection | 'tokenHash'>,
  ) {
    this.select = statements.select;
    this.upsert = statements.upsert;
    this.queries = statements.queries;
    this.applyTransaction = db.transaction(
      (events: readonly ProjectedEvent[], checkpoint?: ProjectionCheckpoint) => {
        // A gap throws before anything is written; the transaction leaves no trace of it.
        const { changes, advanced } = sequenceEvents(
          events,
          (stream) => this.queries.streamRevision.get(stream)?.revision ?? -1,
        );
        let applied = 0;
        for (const change of mergeChanges(changes)) applied += this.applyOne(change);
        for (const [stream, revision] of advanced) this.queries.advanceStream.run(stream, revision);
        if (checkpoint) {
          this.queries.storeCheckpoint.run(checkpoint.projection, checkpoint.position);
        }
        return applied;
      },
    );
  }

  private applyOne(change: ReadModelChange): number {
    if (change.collection === 'tokenUsage') return this.applyUsage(change);
    // Revision 0 is the first event of the document's stream: no earlier version can exist, and
    // a stored one is this same change delivered again, which the upsert's guard skips. (Most
    // changes of a rebuild are such; it saves a lookup each.)
    const current =
      change.revision === 0 ? undefined : this.select[change.collection].get(change.id);
    if (current && current.revision >= change.revision) return 0;
    const base = current ? (JSON.parse(current.doc) as Record<string, unknown>) : {};
    const doc: Record<string, unknown> = { ...base, ...change.set, revision: change.revision };
    // Dropped before the write: if the transaction rolls back, the next read reloads.
    this.cache.delete(change.collection, change.id);
    if (typeof base.tokenHash === 'string') this.cache.delete('tokenHash', base.tokenHash);
    if (typeof doc.tokenHash === 'string') this.cache.delete('tokenHash', doc.tokenHash);
    const indexed = INDEXED_FIELDS[change.collection].map((field) => doc[field] ?? null);
    return this.upsert[change.collection].run(
      change.id,
      change.revision,
      JSON.stringify(doc),
      ...indexed,
    ).changes;
  }

  /** A use from the token's usage stream, on the token document (see TokenUsageChange). */
  private applyUsage(change: TokenUsageChange): number {
    const current = this.select.tokens.get(change.id);
    if (!current) return 0;
    const base = JSON.parse(current.doc) as TokenRecord;
    if ((base.usageRevision ?? -1) >= change.revision) return 0;
    const doc: TokenRecord = { ...base, ...change.set, usageRevision: change.revision };
    this.cache.delete('tokens', change.id);
    this.cache.delete('tokenHash', base.tokenHash);
    return this.queries.updateTokenDoc.run(JSON.stringify(doc), change.id).changes;
  }
}
