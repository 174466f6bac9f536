import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@pat/shared';

/** `wrong_password`: the current password did not match and nothing was written. */
export type ChangeOwnPasswordResult = 'changed' | 'wrong_password';

export class ChangeOwnPasswordCommand extends Command<ChangeOwnPasswordResult> {
  constructor(
    readonly userId: string,
    readonly currentPassword: string,
    readonly newPassword: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
