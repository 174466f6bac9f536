import { Query } from '@nestjs/cqrs';
import type { TokenHistoryView } from './token-history.view';

export class TokenHistoryQuery extends Query<TokenHistoryView> {
  constructor(readonly tokenId: string) {
    super();
  }
}
