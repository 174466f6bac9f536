import { Command } from 'commander';
import { CommandBus } from '@nestjs/cqrs';
import { READ_MODEL, ReadModel } from '@pat/read-model';
import { RevokeTokenCommand, TokenView } from '@pat/tokens';
import { verifyLogBinding, withContext } from '../cli.module';
import { print } from '../output';

export const revokeTokenCommand = new Command('revoke-token')
  .description(
    'Revoke any token, at once and for good: the same TokenRevoked as an administrator’s ' +
      'revoke in the API (reason admin), recorded as done by the operator CLI',
  )
  .argument('<tokenId>', 'the token’s id (list-tokens shows it)')
  .action(async (tokenId: string) => {
    const revoked = await withContext(async (context) => {
      // The revocation is projected at once so that it is in force when this returns: the read
      // model must be writable here (on the embedded stores the running API holds it).
      await context.get<ReadModel>(READ_MODEL).ping();
      await verifyLogBinding(context);
      return context.get(CommandBus).execute<TokenView>(
        new RevokeTokenCommand(tokenId, null, 'admin', {
          actor: { userId: null, via: 'cli' },
          requestId: null,
        }),
      );
    });
    print(
      `Revoked token ${revoked.id} ("${revoked.name}", ${revoked.tokenHint}) at ${revoked.revokedAt}`,
    );
  });
