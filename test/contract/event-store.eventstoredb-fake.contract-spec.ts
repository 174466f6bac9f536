import type { RecordedEvent } from '@pat/event-store';
import {
  EventStoreDbEventStore,
  EventStoreDbEventStoreOptions,
} from '@pat/event-store/eventstoredb/eventstoredb-event-store';
import { DEFAULT_STREAM_PREFIXES } from '@pat/event-store/eventstoredb/positions';
import {
  describeCheckpointStoreContract,
  describeEventStoreContract,
} from '@pat/event-store/testing/event-store.contract';
import { FakeEventStoreDb, FakeEventStoreDbOptions } from '../support/fake-eventstoredb';

/**
 * The EventStoreDB adapter with the real `@eventstore/db-client` over real gRPC, against the
 * in-memory fake server of test/support/fake-eventstoredb.ts. EventStoreDB cannot run on the CI
 * machine, so this is what exercises the adapter's wiring there: protobuf conversion, ordering,
 * back-pressure, stop and resubscription. It proves nothing about EventStoreDB's own behaviour:
 * event-store.eventstoredb.contract-spec.ts runs the same contract against a real server.
 */

const metadata = {
  occurredAt: '2026-01-01T00:00:00.000Z',
  actor: { userId: null, via: 'system' as const },
  requestId: null,
  schemaVersion: 1,
};
const ev = (type: string, data: unknown = {}) => ({ type, data, metadata });

// The contract suite writes to `contract-<uuid>` streams, so they join the product's categories.
const contractPrefixes = ['contract-', ...DEFAULT_STREAM_PREFIXES];

async function eventually(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` until its value has not changed for `quietMs`, and returns that value. */
async function settledValue(read: () => number, quietMs: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let value = read();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`value did not settle in time (last ${value})`);
    await sleep(20);
    const next = read();
    if (next !== value) {
      value = next;
      since = Date.now();
    }
  }
  return value;
}

// Every store and fake a test opens is closed after it, even when the test fails half-way.
const openStores: EventStoreDbEventStore[] = [];
const testFakes: FakeEventStoreDb[] = [];

function openStore(
  url: string,
  streamPrefixes: readonly string[],
  options: EventStoreDbEventStoreOptions = {},
): EventStoreDbEventStore {
  const store = new EventStoreDbEventStore(url, { ...options, streamPrefixes });
  openStores.push(store);
  return store;
}

/** A fake server of the test's own, stopped after the test. */
async function startFake(options: FakeEventStoreDbOptions): Promise<[FakeEventStoreDb, string]> {
  const fake = new FakeEventStoreDb(options);
  testFakes.push(fake);
  return [fake, await fake.start()];
}

afterEach(async () => {
  await Promise.all(openStores.splice(0).map((store) => store.close()));
  await Promise.all(testFakes.splice(0).map((fake) => fake.stop()));
});

for (const sendCaughtUp of [true, false]) {
  describe(`fake EventStoreDB, ${sendCaughtUp ? 'sending' : 'never sending'} caughtUp`, () => {
    let fake: FakeEventStoreDb;
    let url: string;

    beforeAll(async () => {
      fake = new FakeEventStoreDb({ sendCaughtUp });
      url = await fake.start();
    });
    afterAll(() => fake.stop());

    const harness = async () => {
      let store = new EventStoreDbEventStore(url, { streamPrefixes: contractPrefixes });
      return {
        store,
        reopen: async () => {
          await store.close();
          store = new EventStoreDbEventStore(url, { streamPrefixes: contractPrefixes });
          return store;
        },
        dispose: () => store.close(),
      };
    };
    describeCheckpointStoreContract(`eventstoredb-fake (caughtUp ${sendCaughtUp})`, harness);
    describeEventStoreContract(`eventstoredb-fake (caughtUp ${sendCaughtUp})`, harness, {
      // A log of its own is a fake server of its own.
      createSeparateLog: async () => {
        const other = new FakeEventStoreDb({ sendCaughtUp });
        const otherUrl = await other.start();
        const opened: EventStoreDbEventStore[] = [];
        return {
          open: () => {
            const store = new EventStoreDbEventStore(otherUrl, {
              streamPrefixes: contractPrefixes,
            });
            opened.push(store);
            return store;
          },
          dispose: async () => {
            await Promise.all(opened.map((store) => store.close()));
            await other.stop();
          },
        };
      },
    });

    it('filters readAll to the product, exclusive of after, filling pages', async () => {
      const store = openStore(url, ['token-']);
      for (let i = 0; i < 5; i++) {
        await store.appendToStream(`token-${i}-${sendCaughtUp}`, [ev('TokenCreated', { i })], {
          expectedRevision: 'no_stream',
        });
      }
      const all: RecordedEvent[] = [];
      let after: string | null = null;
      for (;;) {
        const page = await store.readAll({ after, maxCount: 2 });
        all.push(...page);
        if (page.length < 2) break;
        after = page[page.length - 1].position;
      }
      expect(all.length).toBeGreaterThanOrEqual(5);
      expect(all.every((e) => e.streamName.startsWith('token-'))).toBe(true);
      expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
      for (let i = 1; i < all.length; i++) {
        expect(store.comparePositions(all[i - 1].position, all[i].position)).toBeLessThan(0);
      }
    });

    it('resubscribes after a drop, without gaps or duplicates, and reports caughtUp once', async () => {
      const dropped: number[] = [];
      const store = openStore(url, ['token-'], {
        onSubscriptionDropped: (_error, retryInMs) => dropped.push(retryInMs),
      });
      const stream = `token-drop-${sendCaughtUp}`;
      await store.appendToStream(stream, [ev('A'), ev('B')], { expectedRevision: 'no_stream' });
      const seen: string[] = [];
      const catchingUp: boolean[] = [];
      let caughtUp = 0;
      const errors: unknown[] = [];
      const subscription = store.subscribeToAll({
        onEvent: async (e, context) => {
          if (e.streamName !== stream) return;
          seen.push(e.type);
          catchingUp.push(context.catchingUp);
        },
        onCaughtUp: () => (caughtUp += 1),
        onError: (error) => errors.push(error),
      });
      await eventually(() => caughtUp === 1 && seen.length === 2);
      const subscribeCalls = fake.subscribeCalls;
      fake.dropSubscriptions();
      await store.appendToStream(stream, [ev('C')], { expectedRevision: 1 });
      await store.appendToStream(stream, [ev('D'), ev('E')], { expectedRevision: 2 });
      await eventually(() => seen.length === 5);
      await sleep(200);
      expect(seen).toEqual(['A', 'B', 'C', 'D', 'E']);
      expect(catchingUp).toEqual([true, true, false, false, false]);
      expect(caughtUp).toBe(1);
      expect(dropped).toEqual([100]);
      expect(fake.subscribeCalls).toBe(subscribeCalls + 1);
      expect(errors).toEqual([]);
      await subscription.stop();
    });

    it('reports caughtUp at once on an empty product log and stops promptly when idle', async () => {
      const store = openStore(url, ['nothing-here-']);
      let caughtUp = false;
      const subscription = store.subscribeToAll({
        onEvent: async () => undefined,
        onCaughtUp: () => (caughtUp = true),
      });
      await eventually(() => caughtUp);
      const started = Date.now();
      await subscription.stop();
      expect(Date.now() - started).toBeLessThan(1000);
      // The gRPC call is cancelled, not left open on the server.
      await eventually(() => fake.openSubscriptions === 0);
    });

    it('close stops running subscriptions without onError', async () => {
      const store = openStore(url, ['token-']);
      const errors: unknown[] = [];
      let caughtUp = false;
      store.subscribeToAll({
        onEvent: async () => undefined,
        onCaughtUp: () => (caughtUp = true),
        onError: (error) => errors.push(error),
      });
      await eventually(() => caughtUp);
      await store.close();
      expect(errors).toEqual([]);
      await eventually(() => fake.openSubscriptions === 0);
    });
  });
}

describe('fake EventStoreDB with checkpoints only (no caughtUp), product events buried', () => {
  it('uses checkpoints and the catch-up target to report caughtUp', async () => {
    const [fake, url] = await startFake({ sendCaughtUp: false, checkpointEvery: 3 });
    const store = openStore(url, ['token-']);
    await store.appendToStream('token-x', [ev('A')], { expectedRevision: 'no_stream' });
    for (let i = 0; i < 10; i++) fake.writeSystemEvent('$stats-x', '$statsCollected');
    let caughtUp = false;
    const seen: string[] = [];
    const subscription = store.subscribeToAll({
      onEvent: async (e) => void seen.push(e.type),
      onCaughtUp: () => (caughtUp = true),
    });
    await eventually(() => caughtUp);
    expect(seen).toEqual(['A']);
    await subscription.stop();
  });
});

describe('older server: no caughtUp, product event buried under more than 4096 system events', () => {
  it('reports caughtUp from the checkpoint sent when going live', async () => {
    const [fake, url] = await startFake({
      sendCaughtUp: false,
      checkpointEvery: 32,
      transitionCheckpoint: true,
    });
    const store = openStore(url, ['token-']);
    await store.appendToStream('token-x', [ev('A')], { expectedRevision: 'no_stream' });
    for (let i = 0; i < 5000; i++) fake.writeSystemEvent('$stats-x', '$statsCollected');
    let caughtUp = false;
    const seen: string[] = [];
    const subscription = store.subscribeToAll({
      onEvent: async (e) => void seen.push(e.type),
      onCaughtUp: () => (caughtUp = true),
    });
    await eventually(() => caughtUp, 20_000);
    expect(seen).toEqual(['A']);
    await subscription.stop();
  });

  it('without that checkpoint it does not report caughtUp early', async () => {
    const [fake, url] = await startFake({ sendCaughtUp: false, checkpointEvery: 0 });
    const store = openStore(url, ['token-']);
    await store.appendToStream('token-x', [ev('A')], { expectedRevision: 'no_stream' });
    for (let i = 0; i < 5000; i++) fake.writeSystemEvent('$stats-x', '$statsCollected');
    let caughtUp = false;
    const seen: string[] = [];
    const subscription = store.subscribeToAll({
      onEvent: async (e) => void seen.push(e.type),
      onCaughtUp: () => (caughtUp = true),
    });
    await eventually(() => seen.length === 1, 20_000);
    await sleep(200);
    expect(caughtUp).toBe(false);
    await store.appendToStream('token-y', [ev('B')], { expectedRevision: 'no_stream' });
    await eventually(() => caughtUp, 20_000);
    await subscription.stop();
  });
});

describe('a subscription over a long history', () => {
  const appendHistory = async (
    store: EventStoreDbEventStore,
    streams: number,
    perStream: number,
  ) => {
    for (let i = 0; i < streams; i++) {
      await store.appendToStream(
        `token-h${i}`,
        Array.from({ length: perStream }, (_, j) => ev('H', { i, j })),
        { expectedRevision: 'no_stream' },
      );
    }
  };

  it('reports caughtUp only after the whole history was handled', async () => {
    const [, url] = await startFake({ sendCaughtUp: true });
    const store = openStore(url, ['token-']);
    await appendHistory(store, 10, 50);
    const log: string[] = [];
    let caughtUp = false;
    const subscription = store.subscribeToAll({
      onEvent: async (_e, context) => {
        log.push(context.catchingUp ? 'h' : 'l');
        await new Promise((resolve) => setImmediate(resolve));
      },
      onCaughtUp: () => {
        caughtUp = true;
        log.push('C');
      },
    });
    await eventually(() => caughtUp, 20_000);
    expect(log.length).toBe(501);
    expect(log[500]).toBe('C');
    expect(log.slice(0, 500).every((x) => x === 'h')).toBe(true);
    await subscription.stop();
  });

  it('holds the server back while the handler is busy (back-pressure), then delivers all in order', async () => {
    const [fake, url] = await startFake({ sendCaughtUp: true });
    const store = openStore(url, ['token-']);
    await appendHistory(store, 10, 120);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const seen: string[] = [];
    let caughtUp = false;
    const subscription = store.subscribeToAll({
      onEvent: async (e) => {
        seen.push(`${e.streamName}@${e.revision}`);
        if (seen.length === 1) await released;
      },
      onCaughtUp: () => (caughtUp = true),
    });
    // With the first event's handler pending, the client stops reading, HTTP/2 flow control
    // stops the server, and the rest of the history stays queued on the server's side. A client
    // that kept reading would drain the queue (slowly: one message per write callback), so the
    // queue must stop shrinking while it is not empty.
    await eventually(() => seen.length === 1 && fake.backPressured, 20_000);
    const stalled = await settledValue(() => fake.pendingMessages, 300);
    expect(stalled).toBeGreaterThan(0);
    expect(seen).toHaveLength(1);
    release();
    await eventually(() => caughtUp, 20_000);
    const expected = Array.from({ length: 10 }, (_, i) =>
      Array.from({ length: 120 }, (_, j) => `token-h${i}@${j}`),
    ).flat();
    expect(seen).toEqual(expected);
    expect(fake.pendingMessages).toBe(0);
    await subscription.stop();
  });

  it('stops while the handler is busy and the server is held back, leaving no call open', async () => {
    const [fake, url] = await startFake({ sendCaughtUp: true });
    const store = openStore(url, ['token-']);
    await appendHistory(store, 10, 120);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let handled = 0;
    const errors: unknown[] = [];
    const subscription = store.subscribeToAll({
      onEvent: async () => {
        handled += 1;
        if (handled === 1) await released;
      },
      onError: (error) => errors.push(error),
    });
    await eventually(() => handled === 1 && fake.backPressured, 20_000);
    const stopped = subscription.stop();
    // stop() waits for the handler in progress, then delivers nothing more.
    release();
    await stopped;
    expect(handled).toBe(1);
    expect(errors).toEqual([]);
    await eventually(() => fake.openSubscriptions === 0);
  });
});
