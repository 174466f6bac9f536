import { Command, Option } from 'commander';
import { usernameKey } from '@pat/identity';
import type { ReadModel, TokenRecord, UserRecord } from '@pat/read-model';
import { systemClock } from '@pat/shared';
import { DEFAULT_TOKEN_POLICY, TokenView, toTokenView } from '@pat/tokens';
import { withContext } from '../cli.module';
import { print, scrubbedJson } from '../output';
import { withReadModel } from '../read-model-source';
import { table } from '../table';

type ListedToken = TokenView & { readonly userId: string; readonly username: string | null };

export const listTokensCommand = new Command('list-tokens')
  .description(
    'List tokens (one user’s or everyone’s), newest first, with their status now under the ' +
      'current policy — as the API computes it. Never a token itself: only its hint.',
  )
  .addOption(new Option('--user <username>', 'this user’s tokens').conflicts('all'))
  .addOption(new Option('--all', 'every user’s tokens').conflicts('user'))
  .option('--json', 'print JSON instead of a table', false)
  .action(async (options: { user?: string; all?: boolean; json: boolean }) => {
    if (options.user === undefined && !options.all) {
      throw new Error('Say whose tokens: --user <username> or --all');
    }
    const tokens = await withContext((context) =>
      withReadModel(context, (readModel) => listTokens(readModel, options.user ?? null)),
    );
    if (options.json) return print(scrubbedJson(tokens));
    const rows = tokens.map((token) => [
      token.id,
      token.username ?? token.userId,
      token.name,
      token.tokenHint,
      token.status,
      token.createdAt,
      `${token.expiresAt}${token.cappedByPolicy ? ' (capped)' : ''}`,
      token.revokedAt ?? '-',
      token.lastUsedAt ?? '-',
    ]);
    const header = ['ID', 'USER', 'NAME', 'HINT', 'STATUS', 'CREATED', 'EXPIRES', 'REVOKED'];
    for (const line of table([...header, 'LAST USED'], rows)) print(line);
    print(`${tokens.length} token(s)`);
  });

async function listTokens(readModel: ReadModel, username: string | null): Promise<ListedToken[]> {
  const users = new Map<string, UserRecord>();
  let records: TokenRecord[];
  if (username !== null) {
    const user = await readModel.findUserByUsernameKey(usernameKey(username));
    if (!user) throw new Error(`No user named ${JSON.stringify(username)}`);
    users.set(user.userId, user);
    records = await readModel.listTokensByUser(user.userId);
  } else {
    for (const { doc } of await readModel.allDocuments('users')) {
      const user = doc as UserRecord;
      users.set(user.userId, user);
    }
    records = (await readModel.allDocuments('tokens')).map(({ doc }) => doc as TokenRecord);
  }
  // The same status and effective expiry as the API's listings: current policy, clock now.
  const policy = (await readModel.getTokenPolicy()) ?? DEFAULT_TOKEN_POLICY;
  const now = systemClock.now();
  return records
    .map((record) => ({
      ...toTokenView(record, { maxLifetimeDays: policy.maxLifetimeDays }, now),
      userId: record.userId,
      username: users.get(record.userId)?.username ?? null,
    }))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}
