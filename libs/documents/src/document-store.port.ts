import type { Position } from '@pat/event-store';

/**
 * A domain-free document store for read models (docs/adr/0004): collections declared with
 * their indexes, documents read by id or by equality and range filters, and revision-guarded
 * writes that commit with the writer's checkpoint. A read model built on it is one folder — its
 * collections, its projection, its queries — and touches no adapter.
 */

export type Scalar = string | number | boolean | null;

/** A field equals a value, or lies after (`gt`) or before (`lt`) one (strings compare as text). */
export type Condition = Scalar | { readonly gt: Scalar } | { readonly lt: Scalar };
export type Where = Readonly<Record<string, Condition>>;

export interface IndexSpec {
  readonly fields: readonly string[];
}

export interface CollectionSpec {
  /** Letters, digits and `_`, starting with a letter; unique across read models. */
  readonly name: string;
  readonly indexes: readonly IndexSpec[];
}

/** A stored document: its fields, its id and the revision of the change that last wrote it. */
export type StoredDocument = Readonly<Record<string, unknown>> & {
  readonly id: string;
  readonly revision: number;
};

/**
 * An upsert of some fields of one document, guarded by revision: applied only when the stored
 * document is older (or absent), so delivering an event twice changes nothing.
 */
export interface DocumentChange {
  readonly collection: string;
  readonly id: string;
  readonly revision: number;
  readonly set: Readonly<Record<string, Scalar>>;
}

export interface FindOptions {
  readonly sort?: ReadonlyArray<readonly [field: string, direction: 1 | -1]>;
  readonly limit?: number;
}

export interface Checkpoint {
  readonly name: string;
  readonly position: Position;
}

export interface DocumentStore {
  /** Creates what is missing of the collections and their indexes; safe to repeat. */
  declare(collections: readonly CollectionSpec[]): Promise<void>;
  get(collection: string, id: string): Promise<StoredDocument | null>;
  find(collection: string, where: Where, options?: FindOptions): Promise<StoredDocument[]>;
  count(collection: string, where: Where): Promise<number>;
  /**
   * Applies the changes, each under its revision guard, and stores the checkpoint — in one
   * transaction where the store has them; else documents first, then the checkpoint, so a crash
   * in between replays changes the guards then skip. Resolves to the writes that took effect.
   */
  apply(changes: readonly DocumentChange[], checkpoint: Checkpoint): Promise<number>;
  readCheckpoint(name: string): Promise<Position | null>;
  /** Empties the collections and forgets the checkpoint: the read model is built again. */
  reset(collections: readonly string[], checkpoint: string): Promise<void>;
  close(): Promise<void>;
}

export const DOCUMENT_STORE = Symbol('DocumentStore');

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

/** Collection and field names reach SQL and Mongo paths: only plain names pass. */
export function assertPlainName(kind: 'collection' | 'field', name: string): void {
  if (!NAME.test(name)) throw new RangeError(`Not a plain ${kind} name: "${name}"`);
}

/** `id` and `revision` are the store's: a change cannot set them. */
export function assertSettable(change: DocumentChange): void {
  assertPlainName('collection', change.collection);
  for (const field of Object.keys(change.set)) {
    assertPlainName('field', field);
    if (field === 'id' || field === 'revision') {
      throw new RangeError(`A change cannot set "${field}" (${change.collection}/${change.id})`);
    }
  }
}

/** Folds a batch into one change per document: the highest revision, every change's fields. */
export function mergeDocumentChanges(changes: readonly DocumentChange[]): DocumentChange[] {
  const merged = new Map<string, DocumentChange>();
  for (const change of changes) {
    const key = `${change.collection}\u0000${change.id}`;
    const previous = merged.get(key);
    if (!previous) merged.set(key, change);
    else if (change.revision > previous.revision) {
      merged.set(key, { ...change, set: { ...previous.set, ...change.set } });
    }
  }
  return [...merged.values()];
}
