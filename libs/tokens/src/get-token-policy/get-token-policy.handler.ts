import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { TokenPolicyReader } from '../token-policy-reader';
import { TokenPolicyView, toTokenPolicyView } from '../token-policy-view';
import { GetTokenPolicyQuery } from './get-token-policy.query';

@QueryHandler(GetTokenPolicyQuery)
export class GetTokenPolicyHandler implements IQueryHandler<GetTokenPolicyQuery> {
  constructor(private readonly currentPolicy: TokenPolicyReader) {}

  async execute(): Promise<TokenPolicyView> {
    return toTokenPolicyView(await this.currentPolicy.get());
  }
}
