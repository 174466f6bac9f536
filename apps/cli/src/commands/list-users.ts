import { Command } from 'commander';
import type { UserRecord } from '@pat/read-model';
import { withContext } from '../cli.module';
import { print, scrubbedJson } from '../output';
import { withReadModel } from '../read-model-source';
import { table } from '../table';

interface ListedUser {
  readonly username: string;
  readonly id: string;
  readonly isAdmin: boolean;
  readonly isAuditor: boolean;
  readonly createdAt: string;
  readonly deletedAt: string | null;
}

export const listUsersCommand = new Command('list-users')
  .description('List the users with their flags, deleted ones included (marked), by username')
  .option('--active', 'leave deleted users out', false)
  .option('--json', 'print JSON instead of a table', false)
  .action(async (options: { active: boolean; json: boolean }) => {
    const users = await withContext((context) =>
      withReadModel(context, async (readModel) => {
        // Every user document, deleted ones too (listUsers() leaves them out): an operator
        // looking for an account needs to see that it was deleted, and when.
        const documents = await readModel.allDocuments('users');
        return documents
          .map(({ doc }) => listed(doc as UserRecord))
          .filter((user) => !options.active || user.deletedAt === null)
          .sort((a, b) => a.username.localeCompare(b.username) || a.id.localeCompare(b.id));
      }),
    );
    if (options.json) return print(scrubbedJson(users));
    const rows = users.map((user) => [
      user.username,
      user.id,
      [user.isAdmin ? 'admin' : '', user.isAuditor ? 'auditor' : ''].filter(Boolean).join(',') ||
        '-',
      user.createdAt,
      user.deletedAt ?? '-',
    ]);
    for (const line of table(['USERNAME', 'ID', 'FLAGS', 'CREATED', 'DELETED'], rows)) print(line);
    print(`${users.length} user(s)`);
  });

/** What an operator needs of a user: never the password hash. */
function listed(user: UserRecord): ListedUser {
  return {
    username: user.username,
    id: user.userId,
    isAdmin: user.isAdmin,
    isAuditor: user.isAuditor,
    createdAt: user.createdAt,
    deletedAt: user.deletedAt,
  };
}
