import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@pat/shared';
import type { ProjectDetailView } from '../project-view';

export class RenameProjectCommand extends Command<ProjectDetailView> {
  constructor(
    readonly projectId: string,
    readonly name: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
