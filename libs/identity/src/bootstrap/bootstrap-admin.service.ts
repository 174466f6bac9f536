import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { USER_QUERIES, UserQueries } from '@pat/read-model';
import { APP_CONFIG, AppConfig, DomainError, systemContext } from '@pat/shared';
import { CreateUserCommand } from '../create-user/create-user.command';
import { newOneTimePassword } from '../reset-password/reset-password.handler';

/**
 * Creates the first system administrator once, when no user exists (docs/design/contract.md §3).
 * Without a configured password a random one is printed once, as a one-time password: it is never
 * stored in plain text, and opens nothing but setting a new one at the first sign-in.
 */
@Injectable()
export class BootstrapAdminService {
  private readonly logger = new Logger('BootstrapAdmin');

  constructor(
    private readonly commandBus: CommandBus,
    @Inject(USER_QUERIES) private readonly userQueries: UserQueries,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async ensureAdministrator(): Promise<void> {
    if ((await this.userQueries.countUsers()) > 0) return;
    const { username, password: configured } = this.config.bootstrapAdmin;
    const password = configured ?? newOneTimePassword();
    try {
      await this.commandBus.execute(
        new CreateUserCommand(
          {
            username,
            password,
            name: 'Administrator',
            email: null,
            isAdmin: true,
            isAuditor: false,
            // A printed password has been seen (terminal, log collector): the admin replaces it.
            passwordChangeRequired: configured === undefined,
          },
          systemContext(),
        ),
      );
    } catch (error) {
      // Another instance sharing the stores bootstrapped first: its reservation won.
      if (error instanceof DomainError && error.kind === 'conflict') return;
      throw error;
    }
    if (configured) {
      this.logger.log(`Created the system administrator "${username}"`);
    } else {
      // Printed once, on purpose: the operator needs it to sign in the first time. On standard
      // error, not through the logger: it must not reach log collectors, and standard output
      // carries only JSON lines.
      process.stderr.write(
        `\nCreated the system administrator "${username}" with the one-time password: ${password}\n` +
          'It is not shown again and must be changed at the first sign-in (the web UI asks for ' +
          'a new one; the API answers 403 password_change_required until PUT /api/v1/me/password).\n\n',
      );
    }
  }
}
