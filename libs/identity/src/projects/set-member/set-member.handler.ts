import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner } from '@pat/application';
import { projectAggregate } from '../../aggregates';
import { decideSetMember, projectStream } from '../../domain/project';
import { UserReader } from '../../user-reader';
import { ProjectReader } from '../project-reader';
import { ProjectDetailView } from '../project-view';
import { SetMemberCommand } from './set-member.command';

@CommandHandler(SetMemberCommand)
export class SetMemberHandler implements ICommandHandler<SetMemberCommand> {
  constructor(
    private readonly commands: CommandRunner,
    private readonly users: UserReader,
    private readonly projects: ProjectReader,
  ) {}

  async execute(command: SetMemberCommand): Promise<ProjectDetailView> {
    await this.users.require(command.userId);
    await this.commands.run(
      projectStream(command.projectId),
      projectAggregate,
      (state) =>
        decideSetMember(state, {
          userId: command.userId,
          role: command.role,
          protectLastAdmin: command.protectLastAdmin,
          // Decided against the stream's state, so a token cannot race a raise past the check.
          onlyNarrow: command.context.actor.via === 'token',
        }),
      command.context,
    );
    return this.projects.detail(command.projectId, command.context.actor.userId ?? '');
  }
}
