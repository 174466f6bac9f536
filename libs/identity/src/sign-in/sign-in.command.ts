import { Command } from '@nestjs/cqrs';
import type { UserView } from '../user-view';

/**
 * `signed_in`: a session was started (its id goes into the cookie and nowhere else).
 * `refused`: no such user or a wrong password, one answer for both; the failure was counted.
 */
export type SignInResult =
  | {
      readonly outcome: 'signed_in';
      readonly session: { readonly id: string; readonly expiresAt: Date };
      readonly user: UserView;
    }
  | { readonly outcome: 'refused' };

/** A sign-in with username and password from `client` (the key its failures count against). */
export class SignInCommand extends Command<SignInResult> {
  constructor(
    readonly username: string,
    readonly password: string,
    readonly client: string,
  ) {
    super();
  }
}
