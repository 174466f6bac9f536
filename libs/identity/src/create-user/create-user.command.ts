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
      /** A one-time password (the bootstrap's printed one): to be replaced at first sign-in. */
      readonly passwordChangeRequired?: boolean;
    },
    readonly context: CommandContext,
  ) {
    super();
  }
}
