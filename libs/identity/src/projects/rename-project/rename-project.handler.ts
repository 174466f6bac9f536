import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner } from '@pat/application';
import { projectAggregate } from '../../aggregates';
import { decideRenameProject, projectStream } from '../../domain/project';
import { ProjectReader } from '../project-reader';
import { ProjectDetailView } from '../project-view';
import { RenameProjectCommand } from './rename-project.command';

@CommandHandler(RenameProjectCommand)
export class RenameProjectHandler implements ICommandHandler<RenameProjectCommand> {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projects: ProjectReader,
  ) {}

  async execute(command: RenameProjectCommand): Promise<ProjectDetailView> {
    await this.commands.run(
      projectStream(command.projectId),
      projectAggregate,
      (state) => decideRenameProject(state, { name: command.name }),
      command.context,
    );
    return this.projects.detail(command.projectId, command.context.actor.userId ?? '');
  }
}
