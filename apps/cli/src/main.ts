import { Command } from 'commander';
import { ConfigurationError, productVersion } from '@pat/shared';
import { createUserCommand } from './commands/create-user';
import { exportEventsCommand } from './commands/export-events';
import { listTokensCommand } from './commands/list-tokens';
import { listUsersCommand } from './commands/list-users';
import { rebuildReadModelCommand } from './commands/rebuild-read-model';
import { resetPasswordCommand } from './commands/reset-password';
import { revokeTokenCommand } from './commands/revoke-token';
import { tokenStatusCommand } from './commands/token-status';
import { verifyReadModelCommand } from './commands/verify-read-model';

/**
 * Operator and auditor commands. They read the same environment as the API (DATA_DIR,
 * EVENTSTORE_CONNECTION_STRING, MONGODB_URI, …) and so work on the embedded and the production
 * backends alike.
 */
const program = new Command('pat')
  .description('Personal Access Tokens: operator and auditor commands')
  .version(productVersion(), '-V, --version', 'print the version')
  .addCommand(createUserCommand)
  .addCommand(listUsersCommand)
  .addCommand(listTokensCommand)
  .addCommand(revokeTokenCommand)
  .addCommand(rebuildReadModelCommand)
  .addCommand(verifyReadModelCommand)
  .addCommand(exportEventsCommand)
  .addCommand(tokenStatusCommand)
  .addCommand(resetPasswordCommand);

program.parseAsync(process.argv).catch((error: unknown) => {
  const message =
    error instanceof ConfigurationError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`${message.replace(/\s+/g, ' ').trim()}\n`);
  process.exit(1);
});
