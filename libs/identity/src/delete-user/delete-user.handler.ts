import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner } from '@pat/application';
import { SessionService } from '@pat/auth';
import { userAggregate } from '../aggregates';
import { decideDeleteUser, userStream } from '../domain/user';
import { UserReader } from '../user-reader';
import { DeleteUserCommand } from './delete-user.command';

/**
 * Deletes a user. Once `UserDeleted` is in the read model (before this returns) none of their
 * tokens or sessions authenticates: the authenticator checks the owner on every request. The
 * per-token `TokenRevoked` events follow from the user-deletion process manager.
 */
@CommandHandler(DeleteUserCommand)
export class DeleteUserHandler implements ICommandHandler<DeleteUserCommand> {
  constructor(
    private readonly commands: CommandRunner,
    private readonly users: UserReader,
    private readonly sessions: SessionService,
  ) {}

  async execute(command: DeleteUserCommand): Promise<void> {
    await this.users.require(command.userId);
    await this.commands.run(
      userStream(command.userId),
      userAggregate,
      (state) =>
        decideDeleteUser(state, {
          userId: command.userId,
          requestedBy: command.context.actor.userId,
        }),
      command.context,
    );
    await this.sessions.endAllFor(command.userId);
  }
}
