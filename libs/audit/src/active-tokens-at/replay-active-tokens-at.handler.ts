import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { TimedEvent, tokensActiveAt } from '@pat/tokens';
import { AuditLog } from '../audit-log';
import { ActiveTokensAtView } from '../token-status-at/point-in-time.dto';
import { ReplayActiveTokensAtQuery } from './replay-active-tokens-at.query';

/** Replays the whole log up to the instant: the answer comes from the record, not the read model. */
@QueryHandler(ReplayActiveTokensAtQuery)
export class ReplayActiveTokensAtHandler implements IQueryHandler<ReplayActiveTokensAtQuery> {
  constructor(private readonly log: AuditLog) {}

  async execute(query: ReplayActiveTokensAtQuery): Promise<ActiveTokensAtView> {
    const events: TimedEvent[] = [];
    for await (const event of this.log.timedEvents()) events.push(event);
    const at = query.at.toISOString();
    return {
      at,
      tokens: tokensActiveAt(events, query.at, query.userId).map((token) => ({ ...token, at })),
    };
  }
}
