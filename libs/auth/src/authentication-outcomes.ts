import { Injectable } from '@nestjs/common';
import type { TokenRejection } from './token-authenticator';

/** What the bearer check answered: a token's rejection, ok, or a store that could not answer. */
export type BearerOutcome = 'ok' | TokenRejection | 'unavailable';

export const BEARER_OUTCOMES: readonly BearerOutcome[] = [
  'ok',
  'invalid',
  'expired',
  'revoked',
  'unavailable',
];

/**
 * Bearer authentications by outcome since start, for the metrics endpoint to read. A plain
 * counter bump on the request path: no metrics library, no labels built per request.
 */
@Injectable()
export class AuthenticationOutcomes {
  private readonly counts: Record<BearerOutcome, number> = {
    ok: 0,
    invalid: 0,
    expired: 0,
    revoked: 0,
    unavailable: 0,
  };

  record(outcome: BearerOutcome): void {
    this.counts[outcome] += 1;
  }

  count(outcome: BearerOutcome): number {
    return this.counts[outcome];
  }
}
