import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { SessionService } from '@pat/auth';
import { SignOutCommand } from './sign-out.command';

@CommandHandler(SignOutCommand)
export class SignOutHandler implements ICommandHandler<SignOutCommand> {
  constructor(private readonly sessions: SessionService) {}

  async execute(command: SignOutCommand): Promise<void> {
    if (command.sessionId) await this.sessions.end(command.sessionId);
  }
}
