import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '@pat/shared';
import type { CheckpointStore } from '../checkpoint-store.port';
import {
  EventStore,
  NewEvent,
  RecordedEvent,
  Subscription,
  WrongExpectedRevisionError,
} from '../event-store.port';

/**
 * The behaviour every EventStore adapter must show. An adapter's spec calls this with a factory;
 * `reopen` closes the store and opens a new one on the same storage (for durability).
 */
export interface EventStoreHarness {
  readonly store: EventStore;
  reopen(): Promise<EventStore>;
  dispose(): Promise<void>;
}

const metadata: EventMetadata = {
  occurredAt: '2026-01-01T00:00:00.000Z',
  actor: { userId: null, via: 'system' },
  requestId: null,
  schemaVersion: 1,
};

const event = (type: string, data: unknown = {}): NewEvent => ({ type, data, metadata });

/** Streams unique to one test, so suites can share a store (EventStoreDB) without interference. */
const uniqueStream = (category = 'contract') => `${category}-${randomUUID()}`;

async function eventually(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function readWholeLog(store: EventStore): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 500 });
    all.push(...page);
    if (page.length < 500) return all;
    after = page[page.length - 1].position;
  }
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

export interface EventStoreContractOptions {
  readonly createSeparateLog?: () => Promise<SeparateLog>;
}

export function describeEventStoreContract(
  adapterName: string,
  createHarness: () => Promise<EventStoreHarness>,
  options: EventStoreContractOptions = {},
): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let harness: EventStoreHarness;
    let store: EventStore;

    beforeEach(async () => {
      harness = await createHarness();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('reads a missing stream as empty', async () => {
      expect(await store.readStream(uniqueStream())).toEqual([]);
    });

    it('appends to a new stream and reads it back in order with data and metadata', async () => {
      const stream = uniqueStream();
      const result = await store.appendToStream(
        stream,
        [event('A', { n: 1 }), event('B', { n: 2 }), event('C', { n: 3 })],
        { expectedRevision: 'no_stream' },
      );
      expect(result.nextExpectedRevision).toBe(2);
      const events = await store.readStream(stream);
      expect(events.map((e) => [e.type, e.revision, e.data])).toEqual([
        ['A', 0, { n: 1 }],
        ['B', 1, { n: 2 }],
        ['C', 2, { n: 3 }],
      ]);
      expect(events[0].metadata).toEqual(metadata);
      expect(events.every((e) => e.streamName === stream)).toBe(true);
      expect(result.position).toBe(events[2].position);
    });

    it('appends at the exact expected revision', async () => {
      const stream = uniqueStream();
      await store.appendToStream(stream, [event('A')], { expectedRevision: 'no_stream' });
      const second = await store.appendToStream(stream, [event('B')], { expectedRevision: 0 });
      expect(second.nextExpectedRevision).toBe(1);
      await store.appendToStream(stream, [event('C')], { expectedRevision: 'stream_exists' });
      await store.appendToStream(stream, [event('D')], { expectedRevision: 'any' });
      expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);
    });

    it('refuses appends whose expected revision is wrong, writing nothing', async () => {
      const stream = uniqueStream();
      await store.appendToStream(stream, [event('A')], { expectedRevision: 'no_stream' });
      await expect(
        store.appendToStream(stream, [event('X')], { expectedRevision: 'no_stream' }),
      ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(
        store.appendToStream(stream, [event('X')], { expectedRevision: 5 }),
      ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(
        store.appendToStream(uniqueStream(), [event('X')], { expectedRevision: 0 }),
      ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(
        store.appendToStream(uniqueStream(), [event('X')], { expectedRevision: 'stream_exists' }),
      ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A']);
    });

    it('lets exactly one of many concurrent appends at the same revision win', async () => {
      const stream = uniqueStream();
      await store.appendToStream(stream, [event('A')], { expectedRevision: 'no_stream' });
      const attempts = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          store.appendToStream(stream, [event('B', { i })], { expectedRevision: 0 }),
        ),
      );
      const won = attempts.filter((a) => a.status === 'fulfilled');
      const lost = attempts.filter((a) => a.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(9);
      for (const failure of lost) {
        expect(failure.reason).toBeInstanceOf(WrongExpectedRevisionError);
      }
      expect(await store.readStream(stream)).toHaveLength(2);
    });

    it('lets exactly one of two concurrent creations of a stream win', async () => {
      const stream = uniqueStream();
      const attempts = await Promise.allSettled([
        store.appendToStream(stream, [event('First')], { expectedRevision: 'no_stream' }),
        store.appendToStream(stream, [event('Second')], { expectedRevision: 'no_stream' }),
      ]);
      expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
      expect(await store.readStream(stream)).toHaveLength(1);
    });

    it('orders the global log by strictly increasing positions across streams', async () => {
      const a = uniqueStream();
      const b = uniqueStream();
      await store.appendToStream(a, [event('A1')], { expectedRevision: 'no_stream' });
      await store.appendToStream(b, [event('B1'), event('B2')], { expectedRevision: 'no_stream' });
      await store.appendToStream(a, [event('A2')], { expectedRevision: 0 });
      const mine = (await readWholeLog(store)).filter(
        (e) => e.streamName === a || e.streamName === b,
      );
      expect(mine.map((e) => e.type)).toEqual(['A1', 'B1', 'B2', 'A2']);
      for (let i = 1; i < mine.length; i++) {
        expect(store.comparePositions(mine[i - 1].position, mine[i].position)).toBeLessThan(0);
      }
    });

    it('pages the global log from a position, exclusive', async () => {
      const stream = uniqueStream();
      await store.appendToStream(stream, [event('A'), event('B'), event('C'), event('D')], {
        expectedRevision: 'no_stream',
      });
      const mine = (await readWholeLog(store)).filter((e) => e.streamName === stream);
      const page = await store.readAll({ after: mine[1].position, maxCount: 2 });
      expect(page.map((e) => e.type)).toEqual(['C', 'D']);
    });

    it('delivers history then live events to a subscription, in order, exactly once', async () => {
      const stream = uniqueStream();
      await store.appendToStream(stream, [event('Old1'), event('Old2')], {
        expectedRevision: 'no_stream',
      });
      const seen: RecordedEvent[] = [];
      let caughtUp = false;
      const subscription: Subscription = store.subscribeToAll({
        onEvent: async (e) => {
          if (e.streamName === stream) seen.push(e);
        },
        onCaughtUp: () => {
          caughtUp = true;
        },
      });
      try {
        await eventually(() => caughtUp && seen.length === 2);
        await store.appendToStream(stream, [event('New1')], { expectedRevision: 1 });
        await store.appendToStream(stream, [event('New2')], { expectedRevision: 2 });
        await eventually(() => seen.length === 4);
        expect(seen.map((e) => e.type)).toEqual(['Old1', 'Old2', 'New1', 'New2']);
      } finally {
        await subscription.stop();
      }
    });

    it('resumes a subscription strictly after a given position', async () => {
      const stream = uniqueStream();
      await store.appendToStream(stream, [event('A'), event('B'), event('C')], {
        expectedRevision: 'no_stream',
      });
      const mine = (await readWholeLog(store)).filter((e) => e.streamName === stream);
      const seen: string[] = [];
      const subscription = store.subscribeToAll({
        after: mine[0].position,
        onEvent: async (e) => {
          if (e.streamName === stream) seen.push(e.type);
        },
      });
      try {
        await eventually(() => seen.length === 2);
        expect(seen).toEqual(['B', 'C']);
      } finally {
        await subscription.stop();
      }
    });

    it('waits for each handler before delivering the next event', async () => {
      const stream = uniqueStream();
      await store.appendToStream(stream, [event('A'), event('B'), event('C')], {
        expectedRevision: 'no_stream',
      });
      let running = 0;
      let overlapped = false;
      const seen: string[] = [];
      const subscription = store.subscribeToAll({
        onEvent: async (e) => {
          running += 1;
          if (running > 1) overlapped = true;
          await new Promise((resolve) => setTimeout(resolve, 5));
          if (e.streamName === stream) seen.push(e.type);
          running -= 1;
        },
      });
      try {
        await eventually(() => seen.length === 3);
        expect(overlapped).toBe(false);
      } finally {
        await subscription.stop();
      }
    });

    it('reports a handler failure and stops delivering', async () => {
      const stream = uniqueStream();
      await store.appendToStream(stream, [event('A'), event('B')], {
        expectedRevision: 'no_stream',
      });
      const errors: unknown[] = [];
      const seen: string[] = [];
      const subscription = store.subscribeToAll({
        onEvent: async (e) => {
          if (e.streamName !== stream) return;
          seen.push(e.type);
          throw new Error('projection failed');
        },
        onError: (error) => errors.push(error),
      });
      try {
        await eventually(() => errors.length === 1);
        expect(seen).toEqual(['A']);
      } finally {
        await subscription.stop();
      }
    });

    it('keeps its log id across close and reopen, with the head at the last append', async () => {
      const appended = await store.appendToStream(uniqueStream(), [event('A'), event('B')], {
        expectedRevision: 'no_stream',
      });
      const before = await store.logIdentity();
      expect(before.logId).toMatch(/\S/);
      expect(before.location).toMatch(/\S/);
      expect(before.head).toBe(appended.position);
      store = await harness.reopen();
      const after = await store.logIdentity();
      expect(after.logId).toBe(before.logId);
      expect(after.head).toBe(appended.position);
    });

    it('moves the head to the position of each new last event', async () => {
      const stream = uniqueStream();
      const first = await store.appendToStream(stream, [event('A')], {
        expectedRevision: 'no_stream',
      });
      expect((await store.logIdentity()).head).toBe(first.position);
      const second = await store.appendToStream(stream, [event('B')], { expectedRevision: 0 });
      const { head } = await store.logIdentity();
      expect(head).toBe(second.position);
      expect(store.comparePositions(head!, first.position)).toBeGreaterThan(0);
    });

    const { createSeparateLog } = options;
    if (createSeparateLog) {
      describe('on a log of its own', () => {
        let separate: SeparateLog;
        beforeEach(async () => {
          separate = await createSeparateLog();
        });
        afterEach(() => separate.dispose());

        it('has no head while empty, and an id different from the other log', async () => {
          const other = separate.open();
          const identity = await other.logIdentity();
          expect(identity.head).toBeNull();
          expect(identity.logId).not.toBe((await store.logIdentity()).logId);
          const appended = await other.appendToStream(uniqueStream(), [event('A')], {
            expectedRevision: 'no_stream',
          });
          const next = await other.logIdentity();
          expect(next.head).toBe(appended.position);
          expect(next.logId).toBe(identity.logId);
        });

        it('gives concurrent first callers on a new log the same id', async () => {
          const ids = await Promise.all(
            Array.from({ length: 4 }, () => separate.open().logIdentity()),
          );
          expect(new Set(ids.map((identity) => identity.logId)).size).toBe(1);
          // And the identity is no event of the log.
          expect(await readWholeLog(separate.open())).toEqual([]);
        });
      });
    }
    it('proves it can write with a probe that adds no event to the log', async () => {
      const stream = uniqueStream();
      await store.appendToStream(stream, [event('Before')], { expectedRevision: 'no_stream' });
      const before = await readWholeLog(store);
      const failures: unknown[] = [];
      const stopListening = store.onWriteFailure((error) => failures.push(error));
      try {
        await store.probeWrite();
        await store.probeWrite();
      } finally {
        stopListening();
      }
      await store.appendToStream(stream, [event('After')], { expectedRevision: 0 });
      const after = await readWholeLog(store);
      expect(after.map((e) => e.id)).toEqual([...before.map((e) => e.id), after.at(-1)?.id]);
      expect(after.at(-1)?.type).toBe('After');
      expect(failures).toEqual([]);
    });

    it('does not report a revision conflict as a write failure', async () => {
      const stream = uniqueStream();
      await store.appendToStream(stream, [event('A')], { expectedRevision: 'no_stream' });
      const failures: unknown[] = [];
      const stopListening = store.onWriteFailure((error) => failures.push(error));
      try {
        await expect(
          store.appendToStream(stream, [event('X')], { expectedRevision: 'no_stream' }),
        ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      } finally {
        stopListening();
      }
      expect(failures).toEqual([]);
    });

    it('keeps every appended event across close and reopen', async () => {
      const stream = uniqueStream();
      await store.appendToStream(stream, [event('A', { kept: true }), event('B')], {
        expectedRevision: 'no_stream',
      });
      store = await harness.reopen();
      const events = await store.readStream(stream);
      expect(events.map((e) => [e.type, e.revision])).toEqual([
        ['A', 0],
        ['B', 1],
      ]);
      expect(events[0].data).toEqual({ kept: true });
      await store.appendToStream(stream, [event('C')], { expectedRevision: 1 });
      expect(await store.readStream(stream)).toHaveLength(3);
    });

    it('reads part of a stream: from a revision, at most a count', async () => {
      const stream = uniqueStream();
      await store.appendToStream(
        stream,
        ['A', 'B', 'C', 'D', 'E'].map((type) => event(type)),
        { expectedRevision: 'no_stream' },
      );
      const types = async (options: { fromRevision?: number; maxCount?: number }) =>
        (await store.readStream(stream, options)).map((e) => `${e.type}${e.revision}`);
      expect(await types({ fromRevision: 2 })).toEqual(['C2', 'D3', 'E4']);
      expect(await types({ maxCount: 2 })).toEqual(['A0', 'B1']);
      expect(await types({ fromRevision: 1, maxCount: 3 })).toEqual(['B1', 'C2', 'D3']);
      expect(await types({ fromRevision: 5 })).toEqual([]);
      expect(await types({ maxCount: 0 })).toEqual([]);
      expect(await store.readStream(uniqueStream(), { fromRevision: 3, maxCount: 1 })).toEqual([]);
    });

    it('appends with expectedRevision any to a new or an existing stream', async () => {
      const stream = uniqueStream();
      await store.appendToStream(stream, [event('A')], { expectedRevision: 'any' });
      await store.appendToStream(stream, [event('B'), event('C')], { expectedRevision: 'any' });
      expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0, 1, 2]);
    });
  });
}

/** The checkpoint store an event store adapter keeps beside its log (docs/adr/0003). */
export interface CheckpointStoreHarness {
  readonly store: CheckpointStore & EventStore;
  reopen(): Promise<CheckpointStore & EventStore>;
  dispose(): Promise<void>;
}

export function describeCheckpointStoreContract(
  adapterName: string,
  createHarness: () => Promise<CheckpointStoreHarness>,
): void {
  describe(`CheckpointStore contract: ${adapterName}`, () => {
    let harness: CheckpointStoreHarness;
    let store: CheckpointStore & EventStore;

    beforeEach(async () => {
      harness = await createHarness();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('has no checkpoint for a processor that never stored one', async () => {
      expect(await store.readCheckpoint(`never-${randomUUID()}`)).toBeNull();
    });

    it('keeps the last checkpoint stored per processor, across close and reopen', async () => {
      const name = `process:${randomUUID()}`;
      const other = `process:${randomUUID()}`;
      const appended = await store.appendToStream(uniqueStream(), [event('A'), event('B')], {
        expectedRevision: 'no_stream',
      });
      const [first, second] = appended.events.map((e) => e.position);
      await store.storeCheckpoint(name, first);
      await store.storeCheckpoint(other, second);
      await store.storeCheckpoint(name, second);
      expect(await store.readCheckpoint(name)).toBe(second);
      store = await harness.reopen();
      expect(await store.readCheckpoint(name)).toBe(second);
      expect(await store.readCheckpoint(other)).toBe(second);
    });

    it('adds no event to the log', async () => {
      const before = await readWholeLog(store);
      await store.storeCheckpoint(`process:${randomUUID()}`, before.at(-1)?.position ?? '0');
      expect(await readWholeLog(store)).toEqual(before);
    });
  });
}
