import { Query } from '@nestjs/cqrs';
import type { TokenView } from '../token-view';

export class ListMyTokensQuery extends Query<TokenView[]> {
  constructor(readonly userId: string) {
    super();
  }
}
