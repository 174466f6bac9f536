import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { SessionService } from '@pat/auth';
import { USER_QUERIES, UserQueries } from '@pat/read-model';
import { usernameKey } from '../domain/user';
import { PasswordAttempts, signInAttempt } from '../password-attempts';
import { toUserView } from '../user-view';
import { SignInCommand, SignInResult } from './sign-in.command';

@CommandHandler(SignInCommand)
export class SignInHandler implements ICommandHandler<SignInCommand> {
  constructor(
    private readonly attempts: PasswordAttempts,
    private readonly sessions: SessionService,
    @Inject(USER_QUERIES) private readonly userQueries: UserQueries,
  ) {}

  async execute(command: SignInCommand): Promise<SignInResult> {
    const attempt = signInAttempt(command.client, command.username);
    this.attempts.assertAllowed(attempt);
    const user = await this.userQueries.findUserByUsernameKey(usernameKey(command.username));
    // The same work and the same answer whether the user exists or not.
    const valid = await this.attempts.verify(attempt, user?.passwordHash ?? null, command.password);
    if (!user || !valid) return { outcome: 'refused' };
    // Signing in proves the password: account changes need no confirmation for a while.
    const session = await this.sessions.start(user);
    return { outcome: 'signed_in', session, user: toUserView(user) };
  }
}
