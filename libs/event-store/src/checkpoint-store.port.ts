import type { Position } from './event-store.port';

/**
 * Where processors that act on the log (process managers) keep how far they got. Beside the
 * event log, not in the read model: the read model is disposable — a rebuild or a deleted,
 * damaged file wipes it — and a process manager that lost its place would act on every event
 * again (docs/adr/0003). The read model's own projection keeps its checkpoint in the read
 * model, in the same write as its documents; that is what keeps it exact.
 */
export interface CheckpointStore {
  /** The stored position; null when this processor never stored one. */
  readCheckpoint(name: string): Promise<Position | null>;
  /** Durable when it resolves; the last one stored wins. */
  storeCheckpoint(name: string, position: Position): Promise<void>;
}

export const CHECKPOINT_STORE = Symbol('CheckpointStore');
