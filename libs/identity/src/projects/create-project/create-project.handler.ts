import { randomUUID } from 'node:crypto';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, documentFromEvents } from '@pat/application';
import { projectAggregate } from '../../aggregates';
import { decideCreateProject, projectStream, validName } from '../../domain/project';
import { projectProjectEvents } from '../../projections/project.projection';
import { ProjectNames } from '../project-names';
import { ProjectReader } from '../project-reader';
import { ProjectDetailView } from '../project-view';
import { CreateProjectCommand } from './create-project.command';

@CommandHandler(CreateProjectCommand)
export class CreateProjectHandler implements ICommandHandler<CreateProjectCommand> {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projects: ProjectReader,
    private readonly names: ProjectNames,
  ) {}

  async execute(command: CreateProjectCommand): Promise<ProjectDetailView> {
    const projectId = randomUUID();
    // A bad name is refused before anything is reserved.
    const name = validName(command.name);
    await this.names.claim(name, projectId, command.context);
    const { events } = await this.commands
      .run(
        projectStream(projectId),
        projectAggregate,
        (state) => decideCreateProject(state, { projectId, name }),
        command.context,
      )
      .catch(async (error: unknown) => {
        await this.names.release(name, projectId, command.context);
        throw error;
      });
    // The document as the projection made it of these events: what the next read returns.
    const project = documentFromEvents(projectProjectEvents, 'projects', projectId, events);
    return this.projects.detailOf(project, command.context.actor.userId ?? '');
  }
}
