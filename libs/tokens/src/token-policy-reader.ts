import { Inject, Injectable } from '@nestjs/common';
import { TOKEN_POLICY_QUERIES, TokenPolicyQueries } from '@pat/read-model';
import { DEFAULT_TOKEN_POLICY, TokenPolicy } from './domain/token-policy';

/** The policy in force now, as the read model knows it; the default until one is set. */
@Injectable()
export class TokenPolicyReader {
  constructor(
    @Inject(TOKEN_POLICY_QUERIES) private readonly tokenPolicyQueries: TokenPolicyQueries,
  ) {}

  async get(): Promise<TokenPolicy> {
    const record = await this.tokenPolicyQueries.getTokenPolicy();
    return record ? { maxLifetimeDays: record.maxLifetimeDays } : DEFAULT_TOKEN_POLICY;
  }
}
