import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { SessionService } from '@pat/auth';
import { USER_QUERIES, UserQueries } from '@pat/read-model';
import { PasswordAttempts, signInAttempt } from '../password-attempts';
import { ConfirmPasswordCommand, ConfirmPasswordResult } from './confirm-password.command';

@CommandHandler(ConfirmPasswordCommand)
export class ConfirmPasswordHandler implements ICommandHandler<ConfirmPasswordCommand> {
  constructor(
    private readonly attempts: PasswordAttempts,
    private readonly sessions: SessionService,
    @Inject(USER_QUERIES) private readonly userQueries: UserQueries,
  ) {}

  async execute({
    principal,
    password,
    client,
  }: ConfirmPasswordCommand): Promise<ConfirmPasswordResult> {
    // The same limit as sign-in.
    const attempt = signInAttempt(client, principal.username);
    this.attempts.assertAllowed(attempt);
    const user = await this.userQueries.findUserById(principal.userId);
    const valid = await this.attempts.verify(attempt, user?.passwordHash ?? null, password);
    if (!user || !valid) return { outcome: 'wrong_password' };
    const confirmed = principal.sessionId
      ? await this.sessions.confirmPassword(principal.sessionId, user)
      : null;
    if (!confirmed) return { outcome: 'session_ended' };
    return { outcome: 'confirmed', confirmedUntil: confirmed.confirmedUntil };
  }
}
