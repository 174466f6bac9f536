import { Inject, Injectable } from '@nestjs/common';
import { READ_MODEL, ReadModel } from '@pat/read-model';
import { DEFAULT_TOKEN_POLICY, TokenPolicy } from './domain/token-policy';

/** The policy in force now, as the read model knows it; the default until one is set. */
@Injectable()
export class CurrentTokenPolicy {
  constructor(@Inject(READ_MODEL) private readonly readModel: ReadModel) {}

  async get(): Promise<TokenPolicy> {
    const record = await this.readModel.getTokenPolicy();
    return record ? { maxLifetimeDays: record.maxLifetimeDays } : DEFAULT_TOKEN_POLICY;
  }
}
