import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { TOKEN_QUERIES, TokenQueries } from '@pat/read-model';
import { CLOCK, Clock, Page, pageOf } from '@pat/shared';
import { TokenPolicyReader } from '../token-policy-reader';
import { TokenView, toTokenView } from '../token-view';
import { ListMyTokensQuery } from './list-my-tokens.query';

@QueryHandler(ListMyTokensQuery)
export class ListMyTokensHandler implements IQueryHandler<ListMyTokensQuery> {
  constructor(
    @Inject(TOKEN_QUERIES) private readonly tokenQueries: TokenQueries,
    private readonly currentPolicy: TokenPolicyReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** One page, newest first; one more than the page is read to learn whether another follows. */
  async execute(query: ListMyTokensQuery): Promise<Page<TokenView>> {
    const { limit, after } = query.page;
    const [records, policy] = await Promise.all([
      this.tokenQueries.listTokensOfUserPage(query.userId, {
        limit: limit + 1,
        after: after ? { createdAt: after[0], tokenId: after[1] } : null,
      }),
      this.currentPolicy.get(),
    ]);
    const page = pageOf(records, limit, (record) => [record.createdAt, record.tokenId]);
    const now = this.clock.now();
    return { items: page.items.map((record) => toTokenView(record, policy, now)), next: page.next };
  }
}
