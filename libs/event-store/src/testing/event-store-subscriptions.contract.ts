import type { RecordedEvent, Subscription } from '../event-store.port';
import {
  EventStoreSuite,
  appendNewStream,
  event,
  eventually,
  readWholeLog,
} from './event-store-contract-fixtures';

/** Catch-up subscriptions to the whole log: order, resumption, back-pressure, failures. */
export function describeSubscriptions(suite: EventStoreSuite): void {
  it('delivers history then live events to a subscription, in order, exactly once', async () => {
    const store = suite.store();
    const stream = await appendNewStream(store, 'Old1', 'Old2');
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
    const store = suite.store();
    const stream = await appendNewStream(store, 'A', 'B', 'C');
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
    const store = suite.store();
    const stream = await appendNewStream(store, 'A', 'B', 'C');
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
    const store = suite.store();
    const stream = await appendNewStream(store, 'A', 'B');
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
}
