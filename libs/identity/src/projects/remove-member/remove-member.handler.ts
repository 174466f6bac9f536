import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner } from '@pat/application';
import { projectAggregate } from '../../aggregates';
import { decideRemoveMember, projectStream } from '../../domain/project';
import { RemoveMemberCommand } from './remove-member.command';

@CommandHandler(RemoveMemberCommand)
export class RemoveMemberHandler implements ICommandHandler<RemoveMemberCommand> {
  constructor(private readonly commands: CommandRunner) {}

  async execute(command: RemoveMemberCommand): Promise<void> {
    await this.commands.run(
      projectStream(command.projectId),
      projectAggregate,
      (state) =>
        decideRemoveMember(state, {
          userId: command.userId,
          protectLastAdmin: command.protectLastAdmin,
        }),
      command.context,
    );
  }
}
