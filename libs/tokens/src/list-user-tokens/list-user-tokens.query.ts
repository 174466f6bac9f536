import { Query } from '@nestjs/cqrs';
import type { Page, PageRequest } from '@pat/shared';
import type { TokenView } from '../token-view';

export class ListUserTokensQuery extends Query<Page<TokenView>> {
  constructor(
    readonly userId: string,
    readonly page: PageRequest,
  ) {
    super();
  }
}
