import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '@pat/shared';
import { TokenReader } from '../token-reader';
import { TokenPolicyReader } from '../token-policy-reader';
import { TokenView, toTokenView } from '../token-view';
import { GetMyTokenQuery } from './get-my-token.query';

@QueryHandler(GetMyTokenQuery)
export class GetMyTokenHandler implements IQueryHandler<GetMyTokenQuery> {
  constructor(
    private readonly tokens: TokenReader,
    private readonly currentPolicy: TokenPolicyReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(query: GetMyTokenQuery): Promise<TokenView> {
    const record = await this.tokens.require(query.tokenId, query.userId);
    return toTokenView(record, await this.currentPolicy.get(), this.clock.now());
  }
}
