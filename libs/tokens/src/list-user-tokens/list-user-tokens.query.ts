import { Query } from '@nestjs/cqrs';
import type { TokenView } from '../token-view';

export class ListUserTokensQuery extends Query<TokenView[]> {
  constructor(readonly userId: string) {
    super();
  }
}
