import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, documentFromEvents } from '@pat/application';
import { USER_QUERIES, UserQueries } from '@pat/read-model';
import { userAggregate } from '../aggregates';
import { decideUpdateUser, userStream, validatePassword } from '../domain/user';
import { PasswordHasher } from '../password-hasher';
import { projectUserEvents } from '../projections/user.projection';
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
    const stored = await this.users.require(command.userId);
    const { password, ...profile } = command.changes;
    if (password !== undefined) validatePassword(password);
    const passwordHash = password !== undefined ? await this.passwords.hash(password) : undefined;
    const { events } = await this.commands.run(
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
    // The update applied to the document read above, as the read model applies it (it sets the
    // whole profile, so an update that came in between is overwritten here as it is there). With
    // nothing decided, such an update may be what made this one a no-op: read the document again.
    const base =
      events.length > 0
        ? stored
        : ((await this.userQueries.findUserById(command.userId)) ?? stored);
    return toUserView(documentFromEvents(projectUserEvents, 'users', command.userId, events, base));
  }
}
