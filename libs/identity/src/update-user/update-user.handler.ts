import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner } from '@pat/application';
import { USER_QUERIES, UserQueries } from '@pat/read-model';
import { unavailable } from '@pat/shared';
import { userAggregate } from '../aggregates';
import { decideUpdateUser, userStream, validatePassword } from '../domain/user';
import { PasswordHasher } from '../password-hasher';
import { UserReader } from '../user-reader';
import { UserView, toUserView } from '../user-view';
import { UpdateUserCommand } from './update-user.command';

@CommandHandler(UpdateUserCommand)
export class UpdateUserHandler implements ICommandHandler<UpdateUserCommand> {
  constructor(
    private readonly commands: CommandRunner,
    private readonly passwords: PasswordHasher,
    private readonly users: UserReader,
    @Inject(USER_QUERIES) private readonly userQueries: UserQueries,
  ) {}

  async execute(command: UpdateUserCommand): Promise<UserView> {
    await this.users.require(command.userId);
    const { password, ...profile } = command.changes;
    if (password !== undefined) validatePassword(password);
    const passwordHash = password !== undefined ? await this.passwords.hash(password) : undefined;
    await this.commands.run(
      userStream(command.userId),
      userAggregate,
      (state) =>
        decideUpdateUser(state, {
          ...profile,
          passwordHash,
          requestedBy: command.context.actor.userId,
        }),
      command.context,
    );
    const user = await this.userQueries.findUserById(command.userId);
    if (!user) throw unavailable('The read model did not reflect the change');
    return toUserView(user);
  }
}
