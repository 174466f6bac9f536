import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '@pat/shared';
import { TokenLookup } from '../token-lookup';
import { CurrentTokenPolicy } from '../current-token-policy';
import { TokenView, toTokenView } from '../token-view';
import { GetMyTokenQuery } from './get-my-token.query';

@QueryHandler(GetMyTokenQuery)
export class GetMyTokenHandler implements IQueryHandler<GetMyTokenQuery> {
  constructor(
    private readonly tokens: TokenLookup,
    private readonly currentPolicy: CurrentTokenPolicy,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(query: GetMyTokenQuery): Promise<TokenView> {
    const record = await this.tokens.require(query.tokenId, query.userId);
    return toTokenView(record, await this.currentPolicy.get(), this.clock.now());
  }
}
