import type { CollectionSpec, DocumentChange } from '@pat/documents';
import type { RecordedEvent } from '@pat/event-store';

/**
 * A read model on the document store (docs/adr/0004): its collections, and a pure projection
 * from events to document changes. Each runs on a subscription and checkpoint of its own, so a
 * new one is built from the log without touching the others; adding one means writing this
 * object in its context's folder and listing it where the app registers its read models.
 */
export interface DocumentReadModel {
  /** Names its checkpoint: a changed projection gets a new name and is built again. */
  readonly name: string;
  readonly collections: readonly CollectionSpec[];
  project(event: RecordedEvent): DocumentChange[];
}

export const DOCUMENT_READ_MODELS = Symbol('DocumentReadModels');
