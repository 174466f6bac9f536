import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@pat/shared';

export class RemoveMemberCommand extends Command<void> {
  constructor(
    readonly projectId: string,
    readonly userId: string,
    /** A project admin acting: the project must keep at least one admin. */
    readonly protectLastAdmin: boolean,
    readonly context: CommandContext,
  ) {
    super();
  }
}
