import type { Position } from '@pat/event-store';
import { ReadModelUnavailableError } from '@pat/read-model';
import type {
  Checkpoint,
  CollectionSpec,
  DocumentChange,
  DocumentStore,
  FindOptions,
  StoredDocument,
  Where,
} from './document-store.port';

/**
 * Any document store, its failures reported as what they are to a caller: a read model that
 * cannot be used (503, never a 500). A RangeError (a name that is not plain, a change that sets
 * `id`) is the caller's mistake and passes through. One wrapper rather than a catch in each
 * adapter, so every adapter gets the same answer.
 */
export class FailingAsUnavailable implements DocumentStore {
  constructor(private readonly store: DocumentStore) {}

  declare(collections: readonly CollectionSpec[]): Promise<void> {
    return unavailableUnless(() => this.store.declare(collections));
  }
  get(collection: string, id: string): Promise<StoredDocument | null> {
    return unavailableUnless(() => this.store.get(collection, id));
  }
  find(collection: string, where: Where, options?: FindOptions): Promise<StoredDocument[]> {
    return unavailableUnless(() => this.store.find(collection, where, options));
  }
  count(collection: string, where: Where): Promise<number> {
    return unavailableUnless(() => this.store.count(collection, where));
  }
  apply(changes: readonly DocumentChange[], checkpoint: Checkpoint): Promise<number> {
    return unavailableUnless(() => this.store.apply(changes, checkpoint));
  }
  readCheckpoint(name: string): Promise<Position | null> {
    return unavailableUnless(() => this.store.readCheckpoint(name));
  }
  reset(collections: readonly string[], checkpoint: string): Promise<void> {
    return unavailableUnless(() => this.store.reset(collections, checkpoint));
  }
  close(): Promise<void> {
    return this.store.close();
  }
}

async function unavailableUnless<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RangeError || error instanceof ReadModelUnavailableError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new ReadModelUnavailableError(`The document read models cannot be used: ${detail}`, {
      cause: error,
    });
  }
}
