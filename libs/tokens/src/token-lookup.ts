import { Inject, Injectable } from '@nestjs/common';
import { READ_MODEL, ReadModel, TokenRecord } from '@pat/read-model';
import { isUuid, notFound } from '@pat/shared';

/** Finds a token as seen by a caller: another user's token is as absent as a missing one. */
@Injectable()
export class TokenLookup {
  constructor(@Inject(READ_MODEL) private readonly readModel: ReadModel) {}

  async require(tokenId: string, ownerId: string | null): Promise<TokenRecord> {
    const record = isUuid(tokenId) ? await this.readModel.findTokenById(tokenId) : null;
    if (!record || (ownerId !== null && record.userId !== ownerId)) {
      throw notFound('Token not found');
    }
    return record;
  }
}
