import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandRunner } from '@pat/application';
import { PROJECT_QUERIES, ProjectQueries } from '@pat/read-model';
import type { CommandContext } from '@pat/shared';
import { projectNameReservationAggregate } from '../aggregates';
import {
  decideReleaseProjectName,
  decideReserveProjectName,
  nameTaken,
  projectNameKey,
  projectNameReservationStream,
} from '../domain/project';

/**
 * Project names are unique ignoring case, the way usernames are: a read-model check would race,
 * so a name is reserved by appending to the stream `project-name-<key>` at the revision just read;
 * of concurrent claims exactly one succeeds, the others get 409. Projects named before
 * reservations existed hold none, so the read model is asked too.
 */
@Injectable()
export class ProjectNames {
  private readonly logger = new Logger(ProjectNames.name);

  constructor(
    private readonly commands: CommandRunner,
    @Inject(PROJECT_QUERIES) private readonly projectQueries: ProjectQueries,
  ) {}

  /** Reserves the name for the project, or 409 when another project has it in any case. */
  async claim(name: string, projectId: string, context: CommandContext): Promise<void> {
    const nameKey = projectNameKey(name);
    const projects = await this.projectQueries.listProjects();
    if (projects.some((p) => p.projectId !== projectId && projectNameKey(p.name) === nameKey)) {
      throw nameTaken(name);
    }
    await this.commands.run(
      projectNameReservationStream(nameKey),
      projectNameReservationAggregate,
      (state) => decideReserveProjectName(state, { nameKey, projectId, name }),
      context,
    );
  }

  /**
   * Frees the name if the project holds it. Never fails the caller: the change it follows is
   * done, and a name left reserved only stops another project from taking it.
   */
  async release(name: string, projectId: string, context: CommandContext): Promise<void> {
    const nameKey = projectNameKey(name);
    try {
      await this.commands.run(
        projectNameReservationStream(nameKey),
        projectNameReservationAggregate,
        (state) => decideReleaseProjectName(state, { nameKey, projectId }),
        context,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`Could not release the name of project ${projectId}: ${message}`);
    }
  }
}
