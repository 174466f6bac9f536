import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@pat/shared';
import type { TokenPolicyView } from '../token-policy-view';

export class ChangeTokenPolicyCommand extends Command<TokenPolicyView> {
  constructor(
    readonly maxLifetimeDays: number,
    readonly context: CommandContext,
  ) {
    super();
  }
}
