import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@pat/shared';
import type { ProjectRole } from '../../domain/project';
import type { ProjectDetailView } from '../project-view';

export class SetMemberCommand extends Command<ProjectDetailView> {
  constructor(
    readonly projectId: string,
    readonly userId: string,
    readonly role: ProjectRole,
    /** A project admin acting: the project must keep at least one admin. */
    readonly protectLastAdmin: boolean,
    readonly context: CommandContext,
  ) {
    super();
  }
}
