import { TooManyAttemptsException } from '@pat/auth';
import { signInFixture } from '../testing/sign-in-fixture';
import { SignInCommand } from './sign-in.command';
import { SignInHandler } from './sign-in.handler';

/** Real parts throughout: the create handler, Argon2, the session store, the limiter. */
describe('SignInHandler', () => {
  const fixture = signInFixture({ perUsername: 3, perClient: 7 });
  const client = '203.0.113.7';
  let handler: SignInHandler;
  beforeEach(() => {
    const { attempts, sessions, runtime } = fixture.world;
    handler = new SignInHandler(attempts, sessions, runtime.readModel);
  });
  const signIn = (username: string, password: string, from = client) =>
    handler.execute(new SignInCommand(username, password, from));

  it('starts a session that has proven the password now, and names the user', async () => {
    const { clock, config, sessions, createUser } = fixture.world;
    const alice = await createUser('Alice', 'correct-horse-battery');

    // The username is matched ignoring case, as it is stored.
    const result = await signIn('alice', 'correct-horse-battery');

    if (result.outcome !== 'signed_in') throw new Error(`not signed in: ${result.outcome}`);
    expect(result.user).toEqual(alice);
    expect(result.session.expiresAt).toEqual(
      new Date(clock.now().getTime() + config.sessionTtlHours * 3_600_000),
    );
    expect(await sessions.authenticate(result.session.id)).toMatchObject({
      userId: alice.id,
      username: 'Alice',
      authMethod: 'session',
      sessionId: result.session.id,
      passwordProvenAt: clock.now().toISOString(),
      passwordChangeRequired: false,
    });
  });

  it('signs in with a one-time password, whose session says it must be replaced', async () => {
    const { sessions, createUser } = fixture.world;
    await createUser('bob', 'one-time-secret', { passwordChangeRequired: true });

    const result = await signIn('bob', 'one-time-secret');

    if (result.outcome !== 'signed_in') throw new Error(`not signed in: ${result.outcome}`);
    expect(await sessions.authenticate(result.session.id)).toMatchObject({
      passwordChangeRequired: true,
    });
  });

  it('refuses a wrong password with the answer an unknown user gets, and counts both', async () => {
    const { createUser } = fixture.world;
    await createUser('alice', 'correct-horse-battery');
    await createUser('carol', 'correct-horse-battery');
    for (let i = 0; i < 3; i++) {
      expect(await signIn('Alice', 'wrong-password')).toEqual({ outcome: 'refused' });
      expect(await signIn('nobody', 'wrong-password')).toEqual({ outcome: 'refused' });
    }

    // Over the limit of each (client, username) pair: 429 for the rest of the 15-minute window,
    // even with the right password.
    const refusal = await signIn('alice', 'correct-horse-battery').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(TooManyAttemptsException);
    expect((refusal as TooManyAttemptsException).getStatus()).toBe(429);
    expect((refusal as TooManyAttemptsException).retryAfterSeconds).toBeGreaterThan(14 * 60);
    await expect(signIn('nobody', 'wrong-password')).rejects.toBeInstanceOf(
      TooManyAttemptsException,
    );
    // Another username from the same client (under its ceiling), and another client, still may.
    expect(await signIn('carol', 'correct-horse-battery')).toMatchObject({ outcome: 'signed_in' });
    expect(await signIn('alice', 'correct-horse-battery', '198.51.100.1')).toMatchObject({
      outcome: 'signed_in',
    });
  });

  it('refuses a client over its ceiling across usernames (password spraying)', async () => {
    const { createUser } = fixture.world;
    await createUser('alice', 'correct-horse-battery');
    for (let i = 0; i < 7; i++) {
      expect(await signIn(`user-${i}`, 'spray-password')).toEqual({ outcome: 'refused' });
    }

    await expect(signIn('alice', 'correct-horse-battery')).rejects.toBeInstanceOf(
      TooManyAttemptsException,
    );
  });
});
