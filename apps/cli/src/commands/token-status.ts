import { Command, Option } from 'commander';
import { QueryBus } from '@nestjs/cqrs';
import { ReplayActiveTokensAtQuery, TokenStatusAtQuery } from '@pat/audit';
import { withContext } from '../cli.module';
import { print } from '../output';

export const tokenStatusCommand = new Command('token-status')
  .description(
    'Which tokens could authenticate at an instant (of one user, or of all), or one token’s ' +
      'status then — replayed from the event log with the policy in force at that instant',
  )
  .requiredOption('--at <instant>', 'ISO 8601 instant, e.g. 2026-11-24T14:02:00Z')
  .addOption(new Option('--user <userId>', 'only this user’s tokens').conflicts('token'))
  .option('--token <tokenId>', 'this one token’s status')
  .option('--json', 'print JSON instead of a table', false)
  .action(async (options: { at: string; user?: string; token?: string; json: boolean }) => {
    const at = new Date(options.at);
    if (Number.isNaN(at.getTime())) throw new Error('--at must be an ISO 8601 instant');
    await withContext(async (context) => {
      const queries = context.get(QueryBus);
      if (options.token) {
        const status = await queries.execute(new TokenStatusAtQuery(options.token, at));
        print(options.json ? JSON.stringify(status, null, 2) : formatStatus(status));
        return;
      }
      // From the log, not the read model: the running API owns the embedded one.
      const active = await queries.execute(new ReplayActiveTokensAtQuery(at, options.user ?? null));
      if (options.json) return print(JSON.stringify(active, null, 2));
      print(`${active.tokens.length} token(s) could authenticate at ${active.at}`);
      for (const token of active.tokens) {
        print(
          `${token.tokenId}  user ${token.userId}  "${token.name}"  created ${token.createdAt}  ` +
            `expires ${token.effectiveExpiresAt}${token.cappedByPolicy ? ' (capped by policy)' : ''}`,
        );
      }
    });
  });

function formatStatus(status: { tokenId: string; existed: boolean; status?: string; at: string }) {
  return status.existed
    ? `${status.tokenId}: ${status.status} at ${status.at}`
    : `${status.tokenId}: did not exist yet at ${status.at}`;
}
