import { Principal, TooManyAttemptsException } from '@pat/auth';
import { SignInHandler } from '../sign-in/sign-in.handler';
import { SignInCommand } from '../sign-in/sign-in.command';
import { SignOutHandler } from '../sign-out/sign-out.handler';
import { SignOutCommand } from '../sign-out/sign-out.command';
import { signInFixture } from '../testing/sign-in-fixture';
import { ConfirmPasswordCommand } from './confirm-password.command';
import { ConfirmPasswordHandler } from './confirm-password.handler';

describe('ConfirmPasswordHandler', () => {
  const fixture = signInFixture({ perUsername: 3, perClient: 30 });
  const client = '203.0.113.7';
  let handler: ConfirmPasswordHandler;
  let principal: Principal;

  /** Alice, signed in an hour ago: her sign-in no longer counts as a recent proof. */
  beforeEach(async () => {
    const { attempts, sessions, runtime, clock, createUser } = fixture.world;
    handler = new ConfirmPasswordHandler(attempts, sessions, runtime.readModel);
    await createUser('alice', 'correct-horse-battery');
    const signedIn = await new SignInHandler(attempts, sessions, runtime.readModel).execute(
      new SignInCommand('alice', 'correct-horse-battery', client),
    );
    if (signedIn.outcome !== 'signed_in') throw new Error('alice could not sign in');
    clock.advance(60 * 60_000);
    principal = (await sessions.authenticate(signedIn.session.id))!;
  });
  const confirm = (password: string, who: Principal = principal) =>
    handler.execute(new ConfirmPasswordCommand(who, password, client));

  it('records the proof on the session and says until when it counts', async () => {
    const { clock, config, sessions } = fixture.world;
    expect(sessions.isRecentlyProven(principal)).toBe(false);

    expect(await confirm('correct-horse-battery')).toEqual({
      outcome: 'confirmed',
      confirmedUntil: new Date(clock.now().getTime() + config.reauthWindowMs),
    });

    const now = await sessions.authenticate(principal.sessionId!);
    expect(now?.passwordProvenAt).toBe(clock.now().toISOString());
    expect(sessions.isRecentlyProven(now!)).toBe(true);
  });

  it('counts a wrong password like a failed sign-in and leaves the session unproven', async () => {
    const { sessions } = fixture.world;
    for (let i = 0; i < 3; i++) {
      expect(await confirm('wrong-password')).toEqual({ outcome: 'wrong_password' });
    }

    await expect(confirm('correct-horse-battery')).rejects.toBeInstanceOf(TooManyAttemptsException);
    const now = await sessions.authenticate(principal.sessionId!);
    expect(now?.passwordProvenAt).toBe(principal.passwordProvenAt);
  });

  it('says the session ended when it is gone, or when the caller has none', async () => {
    const { sessions } = fixture.world;
    await new SignOutHandler(sessions).execute(new SignOutCommand(principal.sessionId));
    expect(await sessions.authenticate(principal.sessionId!)).toBeNull();

    expect(await confirm('correct-horse-battery')).toEqual({ outcome: 'session_ended' });
    expect(await confirm('correct-horse-battery', { ...principal, sessionId: null })).toEqual({
      outcome: 'session_ended',
    });
  });
});
