import type { EventEmitter } from 'node:events';
import type { RecordedEvent, SubscribeOptions, Subscription } from '../event-store.port';
import { parsePosition } from './sqlite-log-schema';

const SUBSCRIPTION_BATCH = 1000;

/** Where a subscription reads from and learns of new events. */
export interface PollingSource {
  /** Up to `maxCount` events after the position `cursor`, in log order. */
  read(cursor: number, maxCount: number): Promise<RecordedEvent[]>;
  /** Emits 'appended' after each append through this process's store. */
  readonly appended: EventEmitter;
  /** How often to look for events appended by another process. */
  readonly pollIntervalMs: number;
}

/**
 * A catch-up subscription on the SQLite log: batches from the position on, then waits for an
 * append through this store (at once) or the poll interval (another process's appends).
 */
export function pollingSubscription(
  { read, appended, pollIntervalMs }: PollingSource,
  options: SubscribeOptions,
): Subscription {
  let stopped = false;
  let pending = false;
  let wake: (() => void) | null = null;
  const onAppended = () => {
    pending = true;
    wake?.();
  };
  appended.on('appended', onAppended);

  const waitForEvents = () =>
    new Promise<void>((resolve) => {
      if (pending || stopped) return resolve();
      const timer = setTimeout(done, pollIntervalMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      wake = done;
    }).finally(() => {
      wake = null;
      pending = false;
    });

  const loop = async () => {
    let cursor = parsePosition(options.after);
    let caughtUp = false;
    while (!stopped) {
      pending = false;
      const batch = await read(cursor, SUBSCRIPTION_BATCH);
      for (const event of batch) {
        if (stopped) return;
        const handling = options.onEvent(event, { catchingUp: !caughtUp });
        if (handling) await handling;
        cursor = Number(event.position);
      }
      if (batch.length < SUBSCRIPTION_BATCH) {
        if (!caughtUp) {
          caughtUp = true;
          options.onCaughtUp?.();
        }
        await waitForEvents();
      }
    }
  };

  const running = loop()
    .catch((error: unknown) => {
      if (!stopped) options.onError?.(error);
    })
    .finally(() => appended.off('appended', onAppended));

  return {
    stop: async () => {
      stopped = true;
      wake?.();
      await running;
    },
  };
}
