import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CurrentTokenPolicy } from '../current-token-policy';
import { TokenPolicyView, toTokenPolicyView } from '../token-policy-view';
import { GetTokenPolicyQuery } from './get-token-policy.query';

@QueryHandler(GetTokenPolicyQuery)
export class GetTokenPolicyHandler implements IQueryHandler<GetTokenPolicyQuery> {
  constructor(private readonly currentPolicy: CurrentTokenPolicy) {}

  async execute(): Promise<TokenPolicyView> {
    return toTokenPolicyView(await this.currentPolicy.get());
  }
}
