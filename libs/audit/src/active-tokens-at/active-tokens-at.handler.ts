import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { TimedEvent, tokensActiveAt } from '@pat/tokens';
import { AuditLog } from '../audit-log';
import { ActiveTokensAtView } from '../token-status-at/point-in-time.dto';
import { ActiveTokensAtQuery } from './active-tokens-at.query';

/** Replays the whole log up to the instant: the answer comes from the record, not the read model. */
@QueryHandler(ActiveTokensAtQuery)
export class ActiveTokensAtHandler implements IQueryHandler<ActiveTokensAtQuery> {
  constructor(private readonly log: AuditLog) {}

  async execute(query: ActiveTokensAtQuery): Promise<ActiveTokensAtView> {
    const events: TimedEvent[] = [];
    for await (const event of this.log.timedEvents()) events.push(event);
    const at = query.at.toISOString();
    return {
      at,
      tokens: tokensActiveAt(events, query.at, query.userId).map((token) => ({ ...token, at })),
    };
  }
}
