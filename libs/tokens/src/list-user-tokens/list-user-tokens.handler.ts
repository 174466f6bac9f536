import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { USER_QUERIES, UserQueries } from '@pat/read-model';
import { Page, isUuid, notFound } from '@pat/shared';
import { ListMyTokensQuery } from '../list-my-tokens/list-my-tokens.query';
import { TokenView } from '../token-view';
import { ListUserTokensQuery } from './list-user-tokens.query';

/** Any user's tokens, for administrators; a deleted user's tokens stay visible. */
@QueryHandler(ListUserTokensQuery)
export class ListUserTokensHandler implements IQueryHandler<ListUserTokensQuery> {
  constructor(
    @Inject(USER_QUERIES) private readonly userQueries: UserQueries,
    private readonly queryBus: QueryBus,
  ) {}

  async execute(query: ListUserTokensQuery): Promise<Page<TokenView>> {
    const user = isUuid(query.userId) ? await this.userQueries.findUserById(query.userId) : null;
    if (!user) throw notFound('User not found');
    return this.queryBus.execute(new ListMyTokensQuery(user.userId, query.page));
  }
}
