import type { AppConfig } from '@pat/shared';
import { FailureLimiter, TooManyAttemptsException } from './failure-limiter';

function limiter(limits: { perUsername: number; perClient: number }): FailureLimiter {
  return new FailureLimiter({
    redisUrl: undefined,
    bearerFailureLimit: 30,
    loginFailureLimit: limits.perUsername,
    loginClientFailureLimit: limits.perClient,
  } as unknown as AppConfig);
}

function refusal(run: () => void): TooManyAttemptsException | null {
  try {
    run();
    return null;
  } catch (error) {
    if (error instanceof TooManyAttemptsException) return error;
    throw error;
  }
}

describe('FailureLimiter sign-in limits', () => {
  it('blocks a client that fails against many usernames once it reaches the per-client ceiling', async () => {
    const failures = limiter({ perUsername: 5, perClient: 30 });
    for (let i = 0; i < 29; i++) {
      await failures.recordSignInFailure({ client: '10.0.0.1', username: `user-${i}` });
    }
    expect(refusal(() => failures.assertSignInAllowed({ client: '10.0.0.1', username: 'x' }))).toBe(
      null,
    );
    await failures.recordSignInFailure({ client: '10.0.0.1', username: 'user-29' });

    const blocked = refusal(() =>
      failures.assertSignInAllowed({ client: '10.0.0.1', username: 'someone-new' }),
    );
    expect(blocked?.getStatus()).toBe(429);
    expect(blocked?.retryAfterSeconds).toBeGreaterThan(14 * 60);
    // Another client is not affected.
    expect(refusal(() => failures.assertSignInAllowed({ client: '10.0.0.2', username: 'x' }))).toBe(
      null,
    );
  });

  it('still blocks one (client, username) pair at its own, lower limit', async () => {
    const failures = limiter({ perUsername: 3, perClient: 30 });
    for (let i = 0; i < 3; i++) {
      await failures.recordSignInFailure({ client: '10.0.0.1', username: 'alice' });
    }
    expect(
      refusal(() => failures.assertSignInAllowed({ client: '10.0.0.1', username: 'alice' })),
    ).toBeInstanceOf(TooManyAttemptsException);
    expect(
      refusal(() => failures.assertSignInAllowed({ client: '10.0.0.1', username: 'bob' })),
    ).toBe(null);
  });
});
