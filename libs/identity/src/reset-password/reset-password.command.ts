import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@pat/shared';

/** The new one-time password, in plain text once, for the operator to hand over. */
export interface ResetPasswordResult {
  readonly userId: string;
  readonly username: string;
  readonly oneTimePassword: string;
}

/**
 * An operator's reset (CLI `reset-password`): a random one-time password that the user must
 * replace at the next sign-in. The new password version ends the user's sessions.
 */
export class ResetPasswordCommand extends Command<ResetPasswordResult> {
  constructor(
    readonly username: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
