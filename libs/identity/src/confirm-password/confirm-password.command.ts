import { Command } from '@nestjs/cqrs';
import type { Principal } from '@pat/auth';

/**
 * `confirmed`: the session proved the password now, which counts until `confirmedUntil`.
 * `wrong_password`: counted like a failed sign-in; the session stays as it was.
 * `session_ended`: the session is gone (or the caller has none).
 */
export type ConfirmPasswordResult =
  | { readonly outcome: 'confirmed'; readonly confirmedUntil: Date }
  | { readonly outcome: 'wrong_password' }
  | { readonly outcome: 'session_ended' };

/** "Sudo mode": the signed-in user proves the password again from `client`. */
export class ConfirmPasswordCommand extends Command<ConfirmPasswordResult> {
  constructor(
    readonly principal: Principal,
    readonly password: string,
    readonly client: string,
  ) {
    super();
  }
}
