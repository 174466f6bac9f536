import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '@pat/shared';
import type { EventStore, NewEvent, RecordedEvent } from '../event-store.port';

/** What the themed parts of the contract get from the suite that runs them. */
export interface EventStoreSuite {
  /** The store of the running test (a new one after `reopen`). */
  store(): EventStore;
  /** Closes the store and opens a new one on the same storage (for durability). */
  reopen(): Promise<EventStore>;
}

/**
 * A log of its own, empty, that stores can be opened on (more than once: separate connections).
 * Adapters whose harness shares one server between tests provide it where a second server can
 * be had (the fake EventStoreDB); the log-identity cases that need an empty log use it.
 */
export interface SeparateLog {
  open(): EventStore;
  /** Closes every store opened on it and removes it. */
  dispose(): Promise<void>;
}

export const metadata: EventMetadata = {
  occurredAt: '2026-01-01T00:00:00.000Z',
  actor: { userId: null, via: 'system' },
  requestId: null,
  schemaVersion: 1,
};

export const event = (type: string, data: unknown = {}): NewEvent => ({ type, data, metadata });

/** Streams unique to one test, so suites can share a store (EventStoreDB) without interference. */
export const uniqueStream = (category = 'contract') => `${category}-${randomUUID()}`;

/** A stream of its own, created with one event of each type (empty data); returns its name. */
export async function appendNewStream(store: EventStore, ...types: string[]): Promise<string> {
  const stream = uniqueStream();
  await store.appendToStream(
    stream,
    types.map((type) => event(type)),
    { expectedRevision: 'no_stream' },
  );
  return stream;
}

export async function eventually(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function readWholeLog(store: EventStore): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 500 });
    all.push(...page);
    if (page.length < 500) return all;
    after = page[page.length - 1].position;
  }
}
