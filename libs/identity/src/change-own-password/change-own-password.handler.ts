import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner } from '@pat/application';
import { SessionService } from '@pat/auth';
import { invalid } from '@pat/shared';
import { userAggregate } from '../aggregates';
import { decideUpdateUser, userStream, validatePassword } from '../domain/user';
import { PasswordAttempts, signInAttempt } from '../password-attempts';
import { PasswordHasher } from '../password-hasher';
import { UserReader } from '../user-reader';
import { ChangeOwnPasswordCommand, ChangeOwnPasswordResult } from './change-own-password.command';

@CommandHandler(ChangeOwnPasswordCommand)
export class ChangeOwnPasswordHandler implements ICommandHandler<ChangeOwnPasswordCommand> {
  constructor(
    private readonly commands: CommandRunner,
    private readonly attempts: PasswordAttempts,
    private readonly passwords: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly users: UserReader,
  ) {}

  async execute(command: ChangeOwnPasswordCommand): Promise<ChangeOwnPasswordResult> {
    const { principal } = command;
    // Limited like sign-in.
    const attempt = signInAttempt(command.client, principal.username);
    this.attempts.assertAllowed(attempt);
    const user = await this.users.require(principal.userId);
    if (!(await this.attempts.verify(attempt, user.passwordHash, command.currentPassword))) {
      return 'wrong_password';
    }
    validatePassword(command.newPassword);
    // A one-time password was seen by whoever printed it: it cannot become the chosen one.
    if (user.passwordChangeRequired === true && command.newPassword === command.currentPassword) {
      throw invalid('newPassword', 'newPassword must differ from the one-time password');
    }
    const passwordHash = await this.passwords.hash(command.newPassword);
    await this.commands.run(
      userStream(principal.userId),
      userAggregate,
      (state) => decideUpdateUser(state, { passwordHash, requestedBy: principal.userId }),
      command.context,
    );
    await this.sessions.passwordChanged(principal.userId, principal);
    return 'changed';
  }
}
