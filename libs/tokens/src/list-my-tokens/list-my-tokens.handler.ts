import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { READ_MODEL, ReadModel } from '@pat/read-model';
import { CLOCK, Clock } from '@pat/shared';
import { CurrentTokenPolicy } from '../current-token-policy';
import { TokenView, toTokenView } from '../token-view';
import { ListMyTokensQuery } from './list-my-tokens.query';

@QueryHandler(ListMyTokensQuery)
export class ListMyTokensHandler implements IQueryHandler<ListMyTokensQuery> {
  constructor(
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    private readonly currentPolicy: CurrentTokenPolicy,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(query: ListMyTokensQuery): Promise<TokenView[]> {
    const [records, policy] = await Promise.all([
      this.readModel.listTokensByUser(query.userId),
      this.currentPolicy.get(),
    ]);
    const now = this.clock.now();
    return records.map((record) => toTokenView(record, policy, now));
  }
}
