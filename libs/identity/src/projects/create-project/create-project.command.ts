import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@pat/shared';
import type { ProjectDetailView } from '../project-view';

export class CreateProjectCommand extends Command<ProjectDetailView> {
  constructor(
    readonly name: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
