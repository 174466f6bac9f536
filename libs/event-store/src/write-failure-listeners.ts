import { EventStoreUnavailableError } from './event-store.port';

type WriteFailureListener = (error: EventStoreUnavailableError) => void;

/** What each adapter needs for EventStore.onWriteFailure: the listeners, told of each failure. */
export class WriteFailureListeners {
  private readonly listeners = new Set<WriteFailureListener>();

  /** Adds a listener; returns the function that removes it (onWriteFailure's answer). */
  add(listener: WriteFailureListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Tells every listener, at once, when `error` says the log could not take the write (a
   * revision conflict is not such a failure); returns `error` for the caller to throw.
   */
  report(error: unknown): unknown {
    if (error instanceof EventStoreUnavailableError) {
      for (const listener of this.listeners) listener(error);
    }
    return error;
  }

  clear(): void {
    this.listeners.clear();
  }
}
