import { randomBytes } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner } from '@pat/application';
import { USER_QUERIES, UserQueries } from '@pat/read-model';
import { notFound } from '@pat/shared';
import { userAggregate } from '../aggregates';
import { decideUpdateUser, usernameKey, userStream } from '../domain/user';
import { PasswordHasher } from '../password-hasher';
import { ResetPasswordCommand, ResetPasswordResult } from './reset-password.command';

/** 144 random bits, like the bootstrap's printed password. */
export const newOneTimePassword = (): string => randomBytes(18).toString('base64url');

@CommandHandler(ResetPasswordCommand)
export class ResetPasswordHandler implements ICommandHandler<ResetPasswordCommand> {
  constructor(
    private readonly commands: CommandRunner,
    private readonly passwords: PasswordHasher,
    @Inject(USER_QUERIES) private readonly userQueries: UserQueries,
  ) {}

  async execute(command: ResetPasswordCommand): Promise<ResetPasswordResult> {
    const user = await this.userQueries.findUserByUsernameKey(usernameKey(command.username));
    if (!user || user.deletedAt !== null) throw notFound(`No user named "${command.username}"`);
    const oneTimePassword = newOneTimePassword();
    const passwordHash = await this.passwords.hash(oneTimePassword);
    await this.commands.run(
      userStream(user.userId),
      userAggregate,
      (state) => decideUpdateUser(state, { passwordHash, passwordChangeRequired: true }),
      command.context,
    );
    return { userId: user.userId, username: user.username, oneTimePassword };
  }
}
