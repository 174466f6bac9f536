import type { EventStore, Position } from '@pat/event-store';
import { READ_MODEL_COLLECTIONS, ReadModel, ReadModelCollection } from '@pat/read-model';
import { READ_MODEL_PROJECTION } from './projection-runner';
import { Projector, projectEvent } from './projector';

const PAGE = 10_000;

export interface ReplayResult {
  readonly events: number;
  readonly position: Position | null;
}

/**
 * Replays the whole log into a read model in pages, one write batch and checkpoint per page —
 * the same projectors as the live projection, so a rebuild and a replay agree with it.
 */
export async function replayLog(
  eventStore: EventStore,
  readModel: ReadModel,
  projectors: readonly Projector[],
  onProgress: (events: number, position: Position) => void = () => undefined,
): Promise<ReplayResult> {
  let position: Position | null = null;
  let events = 0;
  await readModel.setBulkLoading(true);
  try {
    for (;;) {
      const page = await eventStore.readAll({ after: position, maxCount: PAGE });
      if (page.length === 0) return { events, position };
      position = page[page.length - 1].position;
      await readModel.applyEvents(
        page.map((event) => projectEvent(projectors, event)),
        { projection: READ_MODEL_PROJECTION, position },
      );
      events += page.length;
      onProgress(events, position);
      if (page.length < PAGE) return { events, position };
    }
  } finally {
    await readModel.setBulkLoading(false);
  }
}

/** Counts the events of the log (for progress bars). */
export async function countEvents(eventStore: EventStore): Promise<number> {
  let position: Position | null = null;
  let count = 0;
  for (;;) {
    const page = await eventStore.readAll({ after: position, maxCount: PAGE });
    count += page.length;
    if (page.length < PAGE) return count;
    position = page[page.length - 1].position;
  }
}

export interface ReadModelDifference {
  readonly collection: ReadModelCollection;
  readonly id: string;
  /** Field names that differ; empty when the whole document is missing on one side. */
  readonly fields: string[];
  readonly kind: 'missing' | 'unexpected' | 'different';
  readonly expected: unknown;
  readonly actual: unknown;
}

/** Every document that differs between the expected (replayed) and the actual (live) model. */
export async function compareReadModels(
  expected: ReadModel,
  actual: ReadModel,
): Promise<ReadModelDifference[]> {
  const differences: ReadModelDifference[] = [];
  for (const collection of READ_MODEL_COLLECTIONS) {
    const [want, have] = await Promise.all([
      expected.allDocuments(collection),
      actual.allDocuments(collection),
    ]);
    const haveById = new Map(have.map((entry) => [entry.id, entry.doc]));
    for (const { id, doc } of want) {
      const live = haveById.get(id);
      haveById.delete(id);
      if (live === undefined) {
        differences.push({
          collection,
          id,
          fields: [],
          kind: 'missing',
          expected: doc,
          actual: null,
        });
        continue;
      }
      const fields = differingFields(
        doc as Record<string, unknown>,
        live as Record<string, unknown>,
      );
      if (fields.length > 0) {
        differences.push({
          collection,
          id,
          fields,
          kind: 'different',
          expected: doc,
          actual: live,
        });
      }
    }
    for (const [id, doc] of haveById) {
      differences.push({
        collection,
        id,
        fields: [],
        kind: 'unexpected',
        expected: null,
        actual: doc,
      });
    }
  }
  return differences;
}

function differingFields(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  // Absent and null mean the same for a document field.
  return [...keys]
    .filter((key) => JSON.stringify(a[key] ?? null) !== JSON.stringify(b[key] ?? null))
    .sort();
}
