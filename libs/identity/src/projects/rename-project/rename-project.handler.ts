import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, documentFromEvents } from '@pat/application';
import { PROJECT_QUERIES, ProjectQueries } from '@pat/read-model';
import { notFound } from '@pat/shared';
import { projectAggregate } from '../../aggregates';
import {
  decideRenameProject,
  projectNameKey,
  projectStream,
  validName,
} from '../../domain/project';
import { projectProjectEvents } from '../../projections/project.projection';
import { ProjectNames } from '../project-names';
import { ProjectReader } from '../project-reader';
import { ProjectDetailView } from '../project-view';
import { RenameProjectCommand } from './rename-project.command';

/**
 * A rename to another name reserves the new name first, then renames, then frees the old one;
 * a rename that only changes case (or nothing) keeps the name the project holds.
 */
@CommandHandler(RenameProjectCommand)
export class RenameProjectHandler implements ICommandHandler<RenameProjectCommand> {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projects: ProjectReader,
    private readonly names: ProjectNames,
    @Inject(PROJECT_QUERIES) private readonly projectQueries: ProjectQueries,
  ) {}

  async execute(command: RenameProjectCommand): Promise<ProjectDetailView> {
    const { projectId, context } = command;
    const name = validName(command.name);
    const current = await this.projectQueries.findProjectById(projectId);
    if (!current) throw notFound('Project not found');
    const newName = projectNameKey(name) !== projectNameKey(current.name);
    if (newName) await this.names.claim(name, projectId, context);
    const { events } = await this.commands
      .run(
        projectStream(projectId),
        projectAggregate,
        (state) => decideRenameProject(state, { name }),
        context,
      )
      .catch(async (error: unknown) => {
        if (newName) await this.names.release(name, projectId, context);
        throw error;
      });
    if (newName) await this.names.release(current.name, projectId, context);
    // The rename applied to the document read above, as the read model applies it (it sets the
    // whole name, so a rename that came in between is overwritten here as it is there). With
    // nothing decided, such a rename may be what made this one a no-op: read the document again.
    const base =
      events.length > 0
        ? current
        : ((await this.projectQueries.findProjectById(projectId)) ?? current);
    const project = documentFromEvents(projectProjectEvents, 'projects', projectId, events, base);
    return this.projects.detailOf(project, context.actor.userId ?? '');
  }
}
