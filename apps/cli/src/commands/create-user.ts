import { Command } from 'commander';
import { CommandBus } from '@nestjs/cqrs';
import { READ_MODEL, ReadModel } from '@pat/read-model';
import { CreateUserCommand } from '@pat/identity/create-user/create-user.command';
import { CreateUserDto } from '@pat/identity/create-user/create-user.dto';
import type { UserView } from '@pat/identity/user-view';
import { verifyLogBinding, withContext } from '../cli.module';
import { print } from '../output';
import { validateInput } from '../validate-input';

export const createUserCommand = new Command('create-user')
  .description('Create a user (the password comes from --password or PAT_PASSWORD)')
  .requiredOption('-u, --username <username>', 'username, 3–64 characters without spaces')
  .option(
    '-p, --password <password>',
    'password (prefer the PAT_PASSWORD variable: argv is visible)',
  )
  .option('--name <name>', 'display name')
  .option('--email <email>', 'email address')
  .option('--admin', 'make the user a system administrator', false)
  .option('--auditor', 'give the user read access to the audit API', false)
  .action(
    async (options: {
      username: string;
      password?: string;
      name?: string;
      email?: string;
      admin: boolean;
      auditor: boolean;
    }) => {
      const password = options.password ?? process.env.PAT_PASSWORD;
      if (!password) throw new Error('Give a password with --password or PAT_PASSWORD');
      // The API's own rules (a bad email, a name with control characters…), before any store.
      const input = validateInput(CreateUserDto, {
        username: options.username,
        password,
        name: options.name,
        email: options.email,
        isAdmin: options.admin,
        isAuditor: options.auditor,
      });
      const user = await withContext(async (context) => {
        // The user is shown from the read model once created: make sure it can be opened
        // before anything is written (on the embedded stores the running API holds it).
        await context.get<ReadModel>(READ_MODEL).ping();
        // The user's event is projected into the read model: only into this log's.
        await verifyLogBinding(context);
        return context.get(CommandBus).execute<UserView>(
          new CreateUserCommand(
            {
              username: input.username,
              password: input.password,
              name: input.name ?? null,
              email: input.email ?? null,
              isAdmin: input.isAdmin ?? false,
              isAuditor: input.isAuditor ?? false,
            },
            { actor: { userId: null, via: 'cli' }, requestId: null },
          ),
        );
      });
      print(`Created user ${user.username} (${user.id})`);
    },
  );
