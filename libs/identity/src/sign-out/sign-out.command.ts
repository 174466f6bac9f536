import { Command } from '@nestjs/cqrs';

/** Ends the caller's session; `sessionId` is null for a caller without one (nothing to end). */
export class SignOutCommand extends Command<void> {
  constructor(readonly sessionId: string | null) {
    super();
  }
}
