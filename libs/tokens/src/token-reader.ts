import { Inject, Injectable } from '@nestjs/common';
import { TOKEN_QUERIES, TokenQueries, TokenRecord } from '@pat/read-model';
import { isUuid, notFound } from '@pat/shared';

/** Finds a token as seen by a caller: another user's token is as absent as a missing one. */
@Injectable()
export class TokenReader {
  constructor(@Inject(TOKEN_QUERIES) private readonly tokenQueries: TokenQueries) {}

  async require(tokenId: string, ownerId: string | null): Promise<TokenRecord> {
    const record = isUuid(tokenId) ? await this.tokenQueries.findTokenById(tokenId) : null;
    if (!record || (ownerId !== null && record.userId !== ownerId)) {
      throw notFound('Token not found');
    }
    return record;
  }
}
