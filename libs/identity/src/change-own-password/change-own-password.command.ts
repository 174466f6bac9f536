import { Command } from '@nestjs/cqrs';
import type { Principal } from '@pat/auth';
import type { CommandContext } from '@pat/shared';

/**
 * `changed`: every other session of the user has ended; the caller's own keeps working.
 * `wrong_password`: the current password did not match (counted like a failed sign-in) and
 * nothing was written.
 */
export type ChangeOwnPasswordResult = 'changed' | 'wrong_password';

/** The signed-in user (`principal`) replaces their password, from `client`. */
export class ChangeOwnPasswordCommand extends Command<ChangeOwnPasswordResult> {
  constructor(
    readonly principal: Principal,
    readonly currentPassword: string,
    readonly newPassword: string,
    readonly client: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
