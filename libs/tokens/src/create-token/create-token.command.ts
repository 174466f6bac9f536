import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@pat/shared';
import type { RequestedLifetime } from '../domain/token';
import type { CreatedTokenView } from '../token-view';

export class CreateTokenCommand extends Command<CreatedTokenView> {
  constructor(
    readonly userId: string,
    readonly name: string,
    readonly lifetime: RequestedLifetime,
    readonly context: CommandContext,
  ) {
    super();
  }
}
