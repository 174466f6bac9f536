import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { READ_MODEL, ReadModel } from '@pat/read-model';
import { Page, isUuid, notFound } from '@pat/shared';
import { ListMyTokensQuery } from '../list-my-tokens/list-my-tokens.query';
import { TokenView } from '../token-view';
import { ListUserTokensQuery } from './list-user-tokens.query';

/** Any user's tokens, for administrators; a deleted user's tokens stay visible. */
@QueryHandler(ListUserTokensQuery)
export class ListUserTokensHandler implements IQueryHandler<ListUserTokensQuery> {
  constructor(
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    private readonly queryBus: QueryBus,
  ) {}

  async execute(query: ListUserTokensQuery): Promise<Page<TokenView>> {
    const user = isUuid(query.userId) ? await this.readModel.findUserById(query.userId) : null;
    if (!user) throw notFound('User not found');
    return this.queryBus.execute(new ListMyTokensQuery(user.userId, query.page));
  }
}
