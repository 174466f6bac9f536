import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { isUuid, notFound } from '@pat/shared';
import { TOKEN_POLICY_STREAM, tokenStatusAt, tokenStream } from '@pat/tokens';
import { AuditLog } from '../audit-log';
import { TokenStatusAtView } from './point-in-time.dto';
import { TokenStatusAtQuery } from './token-status-at.query';

/** A token's status as of an instant: its stream, its owner's and the policy's, replayed. */
@QueryHandler(TokenStatusAtQuery)
export class TokenStatusAtHandler implements IQueryHandler<TokenStatusAtQuery> {
  constructor(private readonly log: AuditLog) {}

  async execute(query: TokenStatusAtQuery): Promise<TokenStatusAtView> {
    if (!isUuid(query.tokenId)) throw notFound('Token not found');
    const tokenEvents = await this.log.streams(tokenStream(query.tokenId));
    const created = tokenEvents.find((e) => e.type === 'TokenCreated');
    if (!created) throw notFound('Token not found');
    const { userId } = created.data as { userId: string };
    const events = await this.log.streams(
      tokenStream(query.tokenId),
      `user-${userId}`,
      TOKEN_POLICY_STREAM,
    );
    return { ...tokenStatusAt(events, query.tokenId, query.at), at: query.at.toISOString() };
  }
}
