import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { USER_QUERIES, UserQueries } from '@pat/read-model';
import { Page, pageOf } from '@pat/shared';
import { UserView, toUserView } from '../user-view';
import { ListUsersQuery } from './list-users.query';

@QueryHandler(ListUsersQuery)
export class ListUsersHandler implements IQueryHandler<ListUsersQuery> {
  constructor(@Inject(USER_QUERIES) private readonly userQueries: UserQueries) {}

  /** One page in username order; one more is read to learn whether another follows. */
  async execute(query: ListUsersQuery): Promise<Page<UserView>> {
    const { limit, after } = query.page;
    const users = await this.userQueries.listUsersPage({
      limit: limit + 1,
      after: after ? { usernameKey: after[0], userId: after[1] } : null,
    });
    const page = pageOf(users, limit, (user) => [user.usernameKey, user.userId]);
    return { items: page.items.map(toUserView), next: page.next };
  }
}
