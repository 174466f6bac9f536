import { Command } from 'commander';
import { CommandBus } from '@nestjs/cqrs';
import { SessionService } from '@pat/auth';
import { READ_MODEL, ReadModel } from '@pat/read-model';
import { ResetPasswordCommand } from '@pat/identity/reset-password/reset-password.command';
import type { ResetPasswordResult } from '@pat/identity/reset-password/reset-password.command';
import { verifyLogBinding, withContext } from '../cli.module';
import { print } from '../output';

export const resetPasswordCommand = new Command('reset-password')
  .description(
    'Give a user a random one-time password (printed once) that must be changed at the next ' +
      'sign-in; the user’s sessions end',
  )
  .requiredOption('-u, --user <username>', 'the username')
  .action(async (options: { user: string }) => {
    const result = await withContext(async (context) => {
      // As create-user: the read model must open (on the embedded stores the running API holds
      // it), and the event is projected only into this log's read model.
      await context.get<ReadModel>(READ_MODEL).ping();
      await verifyLogBinding(context);
      const reset = await context.get(CommandBus).execute<ResetPasswordResult>(
        new ResetPasswordCommand(options.user, {
          actor: { userId: null, via: 'cli' },
          requestId: null,
        }),
      );
      // The new password version already refuses them everywhere; this removes the rows.
      await context.get(SessionService).endAllFor(reset.userId);
      return reset;
    });
    print(`Reset the password of ${result.username} (${result.userId}); their sessions ended.`);
    // Written as is, the one place it appears: scrubbing is for secrets that must never show.
    process.stdout.write(
      `One-time password: ${result.oneTimePassword}\n` +
        'It is not shown again; the user must set a new one at the next sign-in.\n',
    );
  });
