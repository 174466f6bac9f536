import { Query } from '@nestjs/cqrs';
import type { ActiveTokensAtView } from '../token-status-at/point-in-time.dto';

export class ActiveTokensAtQuery extends Query<ActiveTokensAtView> {
  constructor(
    readonly at: Date,
    readonly userId: string | null,
  ) {
    super();
  }
}
