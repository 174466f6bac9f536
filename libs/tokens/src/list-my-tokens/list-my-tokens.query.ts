import { Query } from '@nestjs/cqrs';
import { PAGE_LIMIT_DEFAULT, Page, PageRequest } from '@pat/shared';
import type { TokenView } from '../token-view';

/** Parts of the tokens' sort key in a cursor: createdAt, tokenId (newest first). */
export const TOKEN_CURSOR_PARTS = 2;

export class ListMyTokensQuery extends Query<Page<TokenView>> {
  constructor(
    readonly userId: string,
    readonly page: PageRequest = { limit: PAGE_LIMIT_DEFAULT, after: null },
  ) {
    super();
  }
}
