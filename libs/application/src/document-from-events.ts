import type { RecordedEvent } from '@pat/event-store';
import type {
  MembershipRecord,
  ProjectRecord,
  ReadModelCollection,
  TokenPolicyRecord,
  TokenRecord,
  UserRecord,
} from '@pat/read-model';
import type { Projector } from './projector';

/** The document type of each stored collection. */
export interface ReadModelDocuments {
  readonly tokens: TokenRecord;
  readonly users: UserRecord;
  readonly projects: ProjectRecord;
  readonly memberships: MembershipRecord;
  readonly tokenPolicy: TokenPolicyRecord;
}

type Doc = Record<string, unknown> & { revision: number; usageRevision?: number };

/**
 * One document as the read model holds it once these events are applied on top of `base` (the
 * stored document, or null when the events create it): the projector's own changes, merged the
 * way the adapters merge them — each change only past the document's revision, its fields over
 * the document's, `revision` set to the change's. A use from a token's usage stream sets the
 * last-used fields under `usageRevision` instead, and only on a document that exists. So a
 * command answers with what a read of the document returns next, without repeating the
 * projection's defaults by hand.
 */
export function documentFromEvents<C extends ReadModelCollection>(
  projector: Projector,
  collection: C,
  id: string,
  events: readonly RecordedEvent[],
  base: ReadModelDocuments[C] | null = null,
): ReadModelDocuments[C] {
  let doc = base as Doc | null;
  for (const event of events) {
    for (const change of projector(event)) {
      if (change.id !== id) continue;
      if (change.collection === collection) {
        if (doc && doc.revision >= change.revision) continue;
        doc = { ...doc, ...change.set, revision: change.revision };
      } else if (change.collection === 'tokenUsage' && collection === 'tokens') {
        if (!doc || (doc.usageRevision ?? -1) >= change.revision) continue;
        doc = { ...doc, ...change.set, usageRevision: change.revision };
      }
    }
  }
  // A programming error, not a state of the store: the caller passes the events that create it.
  if (!doc) throw new Error(`No ${collection} document ${id} from these events`);
  return doc as unknown as ReadModelDocuments[C];
}
