import { Query } from '@nestjs/cqrs';
import { PAGE_LIMIT_DEFAULT, PageRequest } from '@pat/shared';
import type { ActiveTokensAtView } from '../token-status-at/point-in-time.dto';

/** Parts of the sort key in a cursor: createdAt, tokenId (oldest first). */
export const ACTIVE_TOKEN_CURSOR_PARTS = 2;

/** One page of the answer, and the cursor of the next page (null when this is the last). */
export interface ActiveTokensAtPage extends ActiveTokensAtView {
  readonly next: string | null;
}

export class ActiveTokensAtQuery extends Query<ActiveTokensAtPage> {
  constructor(
    readonly at: Date,
    readonly userId: string | null,
    readonly page: PageRequest = { limit: PAGE_LIMIT_DEFAULT, after: null },
  ) {
    super();
  }
}
