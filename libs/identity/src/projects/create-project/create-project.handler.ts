import { randomUUID } from 'node:crypto';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner } from '@pat/application';
import { projectAggregate } from '../../aggregates';
import { decideCreateProject, projectStream } from '../../domain/project';
import { ProjectReader } from '../project-reader';
import { ProjectDetailView } from '../project-view';
import { CreateProjectCommand } from './create-project.command';

@CommandHandler(CreateProjectCommand)
export class CreateProjectHandler implements ICommandHandler<CreateProjectCommand> {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projects: ProjectReader,
  ) {}

  async execute(command: CreateProjectCommand): Promise<ProjectDetailView> {
    const projectId = randomUUID();
    await this.commands.run(
      projectStream(projectId),
      projectAggregate,
      (state) => decideCreateProject(state, { projectId, name: command.name }),
      command.context,
    );
    return this.projects.detail(projectId, command.context.actor.userId ?? '');
  }
}
