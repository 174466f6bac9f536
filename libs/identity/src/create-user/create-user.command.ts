import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@pat/shared';
import type { UserView } from '../user-view';

export class CreateUserCommand extends Command<UserView> {
  constructor(
    readonly input: {
      readonly username: string;
      readonly password: string;
      readonly name: string | null;
      readonly email: string | null;
      readonly isAdmin: boolean;
      readonly isAuditor: boolean;
    },
    readonly context: CommandContext,
  ) {
    super();
  }
}
