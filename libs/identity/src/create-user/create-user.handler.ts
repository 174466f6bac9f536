import { randomUUID } from 'node:crypto';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, documentFromEvents } from '@pat/application';
import {
  decideCreateUser,
  decideReserveUsername,
  usernameKey,
  usernameReservationStream,
  userStream,
  validatePassword,
  validateUsername,
} from '../domain/user';
import { PasswordHasher } from '../password-hasher';
import { projectUserEvents } from '../projections/user.projection';
import { userAggregate, usernameReservationAggregate } from '../aggregates';
import { UserView, toUserView } from '../user-view';
import { CreateUserCommand } from './create-user.command';

/**
 * Usernames are unique ignoring case. A read-model check would race, so the name is first
 * reserved by creating the stream `username-<key>` with "no stream" expected: of concurrent
 * creations exactly one append succeeds; the others get 409.
 */
@CommandHandler(CreateUserCommand)
export class CreateUserHandler implements ICommandHandler<CreateUserCommand> {
  constructor(
    private readonly commands: CommandRunner,
    private readonly passwords: PasswordHasher,
  ) {}

  async execute(command: CreateUserCommand): Promise<UserView> {
    const { input, context } = command;
    validateUsername(input.username);
    validatePassword(input.password);
    const userId = randomUUID();
    const key = usernameKey(input.username);
    const passwordHash = await this.passwords.hash(input.password);
    await this.commands.run(
      usernameReservationStream(key),
      usernameReservationAggregate,
      (reservation) => decideReserveUsername(reservation, { usernameKey: key, userId }),
      context,
    );
    const { events } = await this.commands.run(
      userStream(userId),
      userAggregate,
      (state) =>
        decideCreateUser(state, {
          userId,
          username: input.username,
          name: input.name,
          email: input.email,
          isAdmin: input.isAdmin,
          isAuditor: input.isAuditor,
          passwordHash,
          passwordChangeRequired: input.passwordChangeRequired === true,
        }),
      context,
    );
    // The document as the projection made it of these events: what the next read returns.
    return toUserView(documentFromEvents(projectUserEvents, 'users', userId, events));
  }
}
