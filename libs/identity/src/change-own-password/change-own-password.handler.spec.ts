import { Principal, TooManyAttemptsException } from '@pat/auth';
import { systemContext } from '@pat/shared';
import { SignInHandler } from '../sign-in/sign-in.handler';
import { SignInCommand } from '../sign-in/sign-in.command';
import { signInFixture } from '../testing/sign-in-fixture';
import { UserReader } from '../user-reader';
import { ChangeOwnPasswordCommand } from './change-own-password.command';
import { ChangeOwnPasswordHandler } from './change-own-password.handler';

describe('ChangeOwnPasswordHandler', () => {
  const fixture = signInFixture({ perUsername: 3, perClient: 30 });
  const client = '203.0.113.7';
  let handler: ChangeOwnPasswordHandler;

  beforeEach(() => {
    const { attempts, passwords, sessions, runtime } = fixture.world;
    handler = new ChangeOwnPasswordHandler(
      runtime.commands,
      attempts,
      passwords,
      sessions,
      new UserReader(runtime.readModel),
    );
    return fixture.world.createUser('alice', 'correct-horse-battery');
  });

  /** A fresh session of Alice's, as the guard would see it. */
  async function signedIn(password = 'correct-horse-battery'): Promise<Principal> {
    const { attempts, sessions, runtime } = fixture.world;
    const result = await new SignInHandler(attempts, sessions, runtime.readModel).execute(
      new SignInCommand('alice', password, client),
    );
    if (result.outcome !== 'signed_in') throw new Error('alice could not sign in');
    return (await sessions.authenticate(result.session.id))!;
  }
  const change = (principal: Principal, current: string, next: string) =>
    handler.execute(
      new ChangeOwnPasswordCommand(principal, current, next, client, systemContext()),
    );

  it('changes the password and ends every other session, keeping the caller’s', async () => {
    const { sessions } = fixture.world;
    const caller = await signedIn();
    const other = await signedIn();

    expect(await change(caller, 'correct-horse-battery', 'battery-staple-horse')).toBe('changed');

    expect(await sessions.authenticate(caller.sessionId!)).toMatchObject({ userId: caller.userId });
    expect(await sessions.authenticate(other.sessionId!)).toBeNull();
    await expect(signedIn('battery-staple-horse')).resolves.toMatchObject({ username: 'alice' });
  });

  it('counts a wrong current password like a failed sign-in, then refuses with 429', async () => {
    const { runtime } = fixture.world;
    const caller = await signedIn();
    for (let i = 0; i < 3; i++) {
      expect(await change(caller, 'wrong-password', 'battery-staple-horse')).toBe('wrong_password');
    }

    await expect(
      change(caller, 'correct-horse-battery', 'battery-staple-horse'),
    ).rejects.toBeInstanceOf(TooManyAttemptsException);
    // Nothing was written: the password is still the first one.
    expect(await runtime.readModel.findUserById(caller.userId)).toMatchObject({
      passwordVersion: 0,
    });
  });
});
