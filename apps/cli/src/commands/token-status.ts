import { Command } from 'commander';
import { QueryBus } from '@nestjs/cqrs';
import {
  ACTIVE_TOKEN_CURSOR_PARTS,
  ActiveTokensAtPage,
  ActiveTokensAtQuery,
  TokenStatusAtQuery,
} from '@pat/audit';
import { PAGE_LIMIT_MAX, parsePageRequest } from '@pat/shared';
import { withContext } from '../cli.module';
import { print } from '../output';

export const tokenStatusCommand = new Command('token-status')
  .description(
    'Which tokens could authenticate at an instant (of one user, or of all), or one token’s ' +
      'status then — replayed from the event log with the policy in force at that instant',
  )
  .requiredOption('--at <instant>', 'ISO 8601 instant, e.g. 2026-11-24T14:02:00Z')
  .option('--user <userId>', 'only this user’s tokens')
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
      // Page by page, as the API answers it; an operator's command lists them all.
      const tokens: ActiveTokensAtPage['tokens'] = [];
      let after: readonly string[] | null = null;
      let answeredAt = at.toISOString();
      for (;;) {
        const page: ActiveTokensAtPage = await queries.execute(
          new ActiveTokensAtQuery(at, options.user ?? null, { limit: PAGE_LIMIT_MAX, after }),
        );
        answeredAt = page.at;
        tokens.push(...page.tokens);
        if (page.next === null) break;
        after = parsePageRequest(undefined, page.next, ACTIVE_TOKEN_CURSOR_PARTS).after;
      }
      const active = { at: answeredAt, tokens };
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
