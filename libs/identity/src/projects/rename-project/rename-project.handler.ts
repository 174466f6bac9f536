import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner } from '@pat/application';
import { PROJECT_QUERIES, ProjectQueries } from '@pat/read-model';
import { notFound } from '@pat/shared';
import { projectAggregate } from '../../aggregates';
import {
  decideRenameProject,
  projectNameKey,
  projectStream,
  validName,
} from '../../domain/project';
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
    try {
      await this.commands.run(
        projectStream(projectId),
        projectAggregate,
        (state) => decideRenameProject(state, { name }),
        context,
      );
    } catch (error) {
      if (newName) await this.names.release(name, projectId, context);
      throw error;
    }
    if (newName) await this.names.release(current.name, projectId, context);
    return this.projects.detail(projectId, context.actor.userId ?? '');
  }
}
