import { Query } from '@nestjs/cqrs';
import type { PageRequest } from '@pat/shared';
import type { TokenHistoryView } from './token-history.view';

/** The cursor names where the page ends in each stream: [decision revision, usage revision]. */
export const HISTORY_CURSOR_PARTS = 2;

export interface TokenHistoryPage {
  readonly view: TokenHistoryView;
  /** The cursor of the next page; null when this is the last one. */
  readonly next: string | null;
}

export class TokenHistoryQuery extends Query<TokenHistoryPage> {
  constructor(
    readonly tokenId: string,
    readonly page: PageRequest,
  ) {
    super();
  }
}
