import { Query } from '@nestjs/cqrs';
import type { TokenStatusAtView } from './point-in-time.dto';

export class TokenStatusAtQuery extends Query<TokenStatusAtView> {
  constructor(
    readonly tokenId: string,
    readonly at: Date,
  ) {
    super();
  }
}
