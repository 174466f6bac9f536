import { DeadlineExceededError, formatDuration, isDeadlineMessage, withDeadline } from './deadline';

describe('withDeadline', () => {
  it('settles like the work when it answers in time', async () => {
    await expect(withDeadline(Promise.resolve(42), 1000, 'the read model')).resolves.toBe(42);
    await expect(
      withDeadline(Promise.reject(new Error('refused')), 1000, 'the read model'),
    ).rejects.toThrow('refused');
  });

  it('gives up on work that does not answer, naming the store and the bound', async () => {
    const never = new Promise<never>(() => undefined);
    const started = Date.now();
    const outcome = await withDeadline(never, 100, 'the session store').catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(outcome).toBeInstanceOf(DeadlineExceededError);
    expect(outcome).toMatchObject({
      store: 'the session store',
      timeoutMs: 100,
      message: 'The session store did not answer within 100 ms',
    });
    expect(isDeadlineMessage((outcome as Error).message)).toBe(true);
  });

  it('lets an abandoned call fail later without an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const late = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('late failure')), 50),
      );
      await expect(withDeadline(late, 10, 'the read model')).rejects.toBeInstanceOf(
        DeadlineExceededError,
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('deadline messages', () => {
  it('formats durations for people', () => {
    expect(formatDuration(5000)).toBe('5 s');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(250)).toBe('250 ms');
  });

  it('recognises only its own messages (so no store error text reaches a client)', () => {
    expect(isDeadlineMessage('The read model did not answer within 5 s')).toBe(true);
    expect(isDeadlineMessage('The event log did not answer within 1.5 s')).toBe(true);
    expect(
      isDeadlineMessage('The read model cannot be reached: connect ECONNREFUSED 10.0.0.5:27017'),
    ).toBe(false);
    expect(isDeadlineMessage('The read model did not answer within 5 s at 10.0.0.5')).toBe(false);
  });
});
