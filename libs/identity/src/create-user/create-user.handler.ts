import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner } from '@pat/application';
import { USER_QUERIES, UserQueries } from '@pat/read-model';
import { unavailable } from '@pat/shared';
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
    @Inject(USER_QUERIES) private readonly userQueries: UserQueries,
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
    await this.commands.run(
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
    const user = await this.userQueries.findUserById(userId);
    if (!user) throw unavailable('The read model did not reflect the new user');
    return toUserView(user);
  }
}
