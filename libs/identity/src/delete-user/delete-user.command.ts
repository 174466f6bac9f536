import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@pat/shared';

export class DeleteUserCommand extends Command<void> {
  constructor(
    readonly userId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
