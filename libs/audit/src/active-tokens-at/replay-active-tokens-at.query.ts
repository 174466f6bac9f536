import { Query } from '@nestjs/cqrs';
import type { ActiveTokensAtView } from '../token-status-at/point-in-time.dto';

/**
 * The tokens active at an instant, every one, replayed from the whole event log: for the operator
 * CLI, which must answer while the API owns the read model, and as the reference the read-model
 * answer (ActiveTokensAtQuery) is tested against. Reads the whole log: never per API request.
 */
export class ReplayActiveTokensAtQuery extends Query<ActiveTokensAtView> {
  constructor(
    readonly at: Date,
    readonly userId: string | null,
  ) {
    super();
  }
}
