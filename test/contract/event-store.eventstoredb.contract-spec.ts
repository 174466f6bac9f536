import { EventStoreUnavailableError } from '@pat/event-store';
import { EventStoreDbEventStore } from '@pat/event-store/eventstoredb/eventstoredb-event-store';
import { DEFAULT_STREAM_PREFIXES } from '@pat/event-store/eventstoredb/positions';
import {
  describeCheckpointStoreContract,
  describeEventStoreContract,
} from '@pat/event-store/testing/event-store.contract';

/** The same test as the suite's gate: set and not empty. */
const isConfigured = (value: string | undefined): value is string =>
  value !== undefined && value !== '';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

async function until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// The contract suite writes to `contract-<uuid>` streams, so they join the product's categories.
const streamPrefixes = ['contract-', ...DEFAULT_STREAM_PREFIXES];

if (isConfigured(connectionString)) {
  const harness = async () => {
    const open = () => new EventStoreDbEventStore(connectionString, { streamPrefixes });
    let store = open();
    return {
      store,
      reopen: async () => {
        await store.close();
        store = open();
        return store;
      },
      // The server is shared: the suite's streams are unique and are left in place.
      dispose: () => store.close(),
    };
  };
  describeEventStoreContract('eventstoredb', harness);
  describeCheckpointStoreContract('eventstoredb', harness);
} else {
  describe('EventStore contract: eventstoredb', () => {
    it('runs only against a server named by EVENTSTORE_CONNECTION_STRING', () => {
      console.log(
        'EventStoreDB contract suite skipped: EVENTSTORE_CONNECTION_STRING is not set (no EventStoreDB server on this machine). Set it, e.g. esdb://localhost:2113?tls=false, to run it.',
      );
      expect(isConfigured(process.env.EVENTSTORE_CONNECTION_STRING)).toBe(false);
    });
  });
}

/**
 * No server needed: nothing listens on port 1, so the real client fails to connect and these
 * check how the adapter reports that (fail closed) and that subscriptions keep retrying.
 */
describe('EventStoreDB adapter with the server unreachable', () => {
  const unreachable = 'esdb://127.0.0.1:1?tls=false';
  let store: EventStoreDbEventStore;

  afterEach(async () => {
    await store.close();
  });

  it('reports every call as unavailable', async () => {
    store = new EventStoreDbEventStore(unreachable, { streamPrefixes });
    await expect(store.ping()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.readStream('contract-x')).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.readAll({ maxCount: 10 })).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
    await expect(
      store.appendToStream(
        'contract-x',
        [
          {
            type: 'A',
            data: {},
            metadata: {
              occurredAt: '2026-01-01T00:00:00.000Z',
              actor: { userId: null, via: 'system' },
              requestId: null,
              schemaVersion: 1,
            },
          },
        ],
        { expectedRevision: 'no_stream' },
      ),
    ).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });

  it('keeps a subscription retrying with a growing delay, without reporting an error', async () => {
    const delays: number[] = [];
    const errors: unknown[] = [];
    store = new EventStoreDbEventStore(unreachable, {
      streamPrefixes,
      onSubscriptionDropped: (_error, retryInMs) => delays.push(retryInMs),
    });
    const subscription = store.subscribeToAll({
      onEvent: async () => undefined,
      onError: (error) => errors.push(error),
    });
    await until(() => delays.length >= 3);
    await subscription.stop();
    expect(delays.slice(0, 3)).toEqual([100, 200, 400]);
    expect(errors).toEqual([]);
  });

  it('refuses calls once closed and reports a subscription started after close', async () => {
    store = new EventStoreDbEventStore(unreachable, { streamPrefixes });
    await store.close();
    await expect(store.readStream('contract-x')).rejects.toBeInstanceOf(EventStoreUnavailableError);
    const errors: unknown[] = [];
    const subscription = store.subscribeToAll({
      onEvent: async () => undefined,
      onError: (error) => errors.push(error),
    });
    // The error is reported asynchronously, as by the SQLite adapter.
    await until(() => errors.length > 0);
    await subscription.stop();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(EventStoreUnavailableError);
  });

  it('refuses positions of another adapter and an empty stream filter', () => {
    store = new EventStoreDbEventStore(unreachable, { streamPrefixes });
    expect(store.comparePositions('10/10', '9/9')).toBeGreaterThan(0);
    expect(() => store.comparePositions('10', '9/9')).toThrow(RangeError);
    expect(() => new EventStoreDbEventStore(unreachable, { streamPrefixes: [] })).toThrow(
      RangeError,
    );
  });
});
