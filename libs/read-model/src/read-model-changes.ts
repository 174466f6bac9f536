import type { ProjectedEvent, ReadModelChange } from './read-model-records';

/**
 * How a batch of projected events becomes document writes, shared by the adapters so that they
 * agree on the rules: the order of streams (gaps refused), and one change per document.
 */

/** Where the read model stands in one stream, and the event that could not follow it. */
export interface StreamGap {
  readonly streamName: string;
  /** The last revision of the stream the read model reflects; -1 for none. */
  readonly applied: number;
  /** The revision that arrived instead of `applied + 1`. */
  readonly arrived: number;
}

/**
 * Events of a stream arrived with earlier ones missing (out of order, or after a wipe): nothing
 * of the batch was applied. The caller reads the missing events from the log and applies them
 * first; applying on regardless would lose them for good, since the document would then be at a
 * newer revision than the events still to come.
 */
export class StreamGapError extends Error {
  constructor(readonly gaps: readonly StreamGap[]) {
    super(
      `The read model is missing earlier events of ${gaps.length} stream(s): ` +
        gaps
          .slice(0, 3)
          .map((gap) => `${gap.streamName} is at ${gap.applied}, got ${gap.arrived}`)
          .join('; '),
    );
    this.name = 'StreamGapError';
  }
}

/** Document changes first, usage after them (see TokenUsageChange). */
export function usageLast(changes: ReadModelChange[]): ReadModelChange[] {
  const usage = changes.filter((change) => change.collection === 'tokenUsage');
  if (usage.length === 0) return changes;
  return [...changes.filter((change) => change.collection !== 'tokenUsage'), ...usage];
}

/**
 * Folds the changes of a batch into one change per document: the highest revision with the
 * fields of every change, later ones winning. Applying the result under the revision guard gives
 * the same document as applying the changes one by one (whatever revision the stored document is
 * at), with one write per document instead of one per event.
 */
export function mergeChanges(changes: readonly ReadModelChange[]): ReadModelChange[] {
  // One map per collection: no composed key to build for each of (up to) 100 000 changes.
  const byCollection = new Map<ReadModelChange['collection'], Map<string, ReadModelChange>>();
  for (const change of changes) {
    let merged = byCollection.get(change.collection);
    if (!merged) {
      merged = new Map();
      byCollection.set(change.collection, merged);
    }
    const previous = merged.get(change.id);
    if (!previous) {
      merged.set(change.id, change);
    } else if (change.revision > previous.revision) {
      merged.set(change.id, {
        ...change,
        set: { ...previous.set, ...change.set },
      } as ReadModelChange);
    }
  }
  return usageLast([...byCollection.values()].flatMap((merged) => [...merged.values()]));
}

/**
 * The events of a batch the read model does not reflect yet, given the revision it reflects of
 * each stream (`appliedOf`, -1 for none), checked for gaps. Shared by the adapters so that they
 * agree on the rule; `appliedOf` is asked once per stream. Revision 0 starts a stream, so it is
 * never a gap and needs no lookup (a stored copy of it is skipped by the document guard).
 */
export function sequenceEvents(
  events: readonly ProjectedEvent[],
  appliedOf: (streamName: string) => number,
): { changes: ReadModelChange[]; advanced: Map<string, number> } {
  const at = new Map<string, number>();
  const advanced = new Map<string, number>();
  const changes: ReadModelChange[] = [];
  const gaps: StreamGap[] = [];
  for (const event of events) {
    let applied = at.get(event.streamName);
    if (applied === undefined) {
      applied = event.revision === 0 ? -1 : appliedOf(event.streamName);
      at.set(event.streamName, applied);
    }
    if (event.revision <= applied) continue;
    if (event.revision !== applied + 1) {
      gaps.push({ streamName: event.streamName, applied, arrived: event.revision });
      continue;
    }
    at.set(event.streamName, event.revision);
    advanced.set(event.streamName, event.revision);
    for (const change of event.changes) changes.push(change);
  }
  if (gaps.length > 0) throw new StreamGapError(gaps);
  return { changes, advanced };
}
