import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@pat/shared';
import type { UserView } from '../user-view';

export class UpdateUserCommand extends Command<UserView> {
  constructor(
    readonly userId: string,
    readonly changes: {
      readonly name?: string | null;
      readonly email?: string | null;
      readonly isAdmin?: boolean;
      readonly isAuditor?: boolean;
      readonly password?: string;
    },
    readonly context: CommandContext,
  ) {
    super();
  }
}
