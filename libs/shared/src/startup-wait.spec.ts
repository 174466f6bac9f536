import { StoreStartupError } from './startup-error';
import { StartupDeadline, StoreWait, waitForStore } from './startup-wait';

describe('waitForStore', () => {
  const base = (lines: string[], timeoutMs: number) => ({
    store: 'EventStoreDB',
    location: 'esdb://127.0.0.1:1',
    setting: 'EVENTSTORE_CONNECTION_STRING',
    deadline: new StartupDeadline(timeoutMs),
    isRetryable: (error: unknown) => error instanceof Error && error.message.startsWith('down'),
    report: (line: string) => lines.push(line),
  });

  it('retries an unreachable store with a progress line per attempt until it answers', async () => {
    const lines: string[] = [];
    let calls = 0;
    const value = await waitForStore<string>({
      ...base(lines, 10_000),
      attempt: async () => {
        calls += 1;
        if (calls < 3) {
          throw new Error(`down: connect ECONNREFUSED (call ${calls}). Resolution note: `);
        }
        return 'connected';
      },
    });
    expect(value).toBe('connected');
    expect(lines).toEqual([
      'Waiting for EventStoreDB at esdb://127.0.0.1:1 (attempt 1, next in 0.5 s): down: connect ECONNREFUSED (call 1)',
      'Waiting for EventStoreDB at esdb://127.0.0.1:1 (attempt 2, next in 1 s): down: connect ECONNREFUSED (call 2)',
      'EventStoreDB at esdb://127.0.0.1:1 answered (attempt 3)',
    ]);
  });

  it('gives up at the deadline with one line naming both variables and the last error', async () => {
    const lines: string[] = [];
    const failure = await waitForStore({
      ...base(lines, 1200),
      attempt: () => Promise.reject(new Error('down: mongodb://user:secret@db:1 refused')),
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreStartupError);
    const message = (failure as Error).message;
    expect(message).toMatch(
      /^EventStoreDB at esdb:\/\/127\.0\.0\.1:1 did not answer within 1\.2 s \(STARTUP_TIMEOUT_SECONDS\), [23] attempts; last: down: mongodb:\/\/db:1 refused\. Check EVENTSTORE_CONNECTION_STRING/,
    );
    expect(message).not.toContain('secret');
    expect(lines.length).toBeGreaterThanOrEqual(2);
  });

  it('ends at once on an error that is not about reaching the store', async () => {
    const lines: string[] = [];
    const failure = await waitForStore({
      ...base(lines, 10_000),
      attempt: () => Promise.reject(new Error('access denied')),
    }).catch((error: unknown) => error);
    expect((failure as Error).message).toBe(
      'EventStoreDB at esdb://127.0.0.1:1 refused the start: access denied. Check EVENTSTORE_CONNECTION_STRING.',
    );
    expect(lines).toEqual([]);
  });

  it('says it is still waiting while an attempt gets no answer, and cuts it off at the deadline', async () => {
    const lines: string[] = [];
    const discarded: string[] = [];
    let answer: ((value: string) => void) | undefined;
    const wait: StoreWait<string> = {
      ...base(lines, 3500),
      attempt: () => new Promise<string>((resolve) => (answer = resolve)),
      discard: (late) => discarded.push(late),
    };
    const failure = await waitForStore(wait).catch((error: unknown) => error);
    expect((failure as Error).message).toMatch(/did not answer within 3.5 s .*last: no answer/);
    expect(lines).toEqual([
      'Waiting for EventStoreDB at esdb://127.0.0.1:1 (attempt 1, no answer for 1 s)',
      'Waiting for EventStoreDB at esdb://127.0.0.1:1 (attempt 1, no answer for 3 s)',
    ]);
    answer!('late connection');
    await new Promise((resolve) => setImmediate(resolve));
    expect(discarded).toEqual(['late connection']);
  });
});
