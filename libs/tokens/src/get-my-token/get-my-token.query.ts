import { Query } from '@nestjs/cqrs';
import type { TokenView } from '../token-view';

export class GetMyTokenQuery extends Query<TokenView> {
  constructor(
    readonly tokenId: string,
    readonly userId: string,
  ) {
    super();
  }
}
