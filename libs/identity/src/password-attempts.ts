import { Injectable } from '@nestjs/common';
import { FailureLimiter, type SignInAttempt } from '@pat/auth';
import { usernameKey } from './domain/user';
import { PasswordHasher } from './password-hasher';

/** An attempt as the sign-in limits count it: per client and username, and per client. */
export const signInAttempt = (client: string, username: string): SignInAttempt => ({
  client,
  username: usernameKey(username),
});

/**
 * A password checked under the sign-in limits: signing in, confirming it and changing it are
 * all limited alike, so a stolen session cookie cannot be used to guess the password.
 */
@Injectable()
export class PasswordAttempts {
  constructor(
    private readonly passwords: PasswordHasher,
    private readonly failures: FailureLimiter,
  ) {}

  /** 429 (TooManyAttemptsException) when the client is over a limit; in memory, no I/O. */
  assertAllowed(attempt: SignInAttempt): void {
    this.failures.assertSignInAllowed(attempt);
  }

  /**
   * Whether the password matches; a wrong one is counted as a failed sign-in. No hash (no such
   * user) costs the same work and gives the same answer.
   */
  async verify(
    attempt: SignInAttempt,
    passwordHash: string | null,
    password: string,
  ): Promise<boolean> {
    const valid = await this.passwords.verify(passwordHash, password);
    if (!valid) await this.failures.recordSignInFailure(attempt);
    return valid;
  }
}
