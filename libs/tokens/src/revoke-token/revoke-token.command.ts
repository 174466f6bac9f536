import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@pat/shared';
import type { RevocationReason } from '../domain/token';
import type { TokenView } from '../token-view';

export class RevokeTokenCommand extends Command<TokenView> {
  constructor(
    readonly tokenId: string,
    /** The owner the caller acts as; null when an administrator or the system revokes. */
    readonly ownerId: string | null,
    readonly reason: RevocationReason,
    readonly context: CommandContext,
  ) {
    super();
  }
}
