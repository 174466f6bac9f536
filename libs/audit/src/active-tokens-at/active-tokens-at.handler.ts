import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { TOKEN_QUERIES, TokenQueries } from '@pat/read-model';
import { pageOf } from '@pat/shared';
import { TOKEN_POLICY_STREAM, effectiveExpiry, policyInForceAt } from '@pat/tokens';
import { AuditLog } from '../audit-log';
import { TokenStatusAtView } from '../token-status-at/point-in-time.dto';
import { ActiveTokensAtPage, ActiveTokensAtQuery } from './active-tokens-at.query';

/**
 * The tokens that could authenticate at an instant, one page at a time, without replaying the
 * log: the policy in force then comes from the policy's own stream (a handful of events: an
 * administrator's changes), and the tokens from the read model, which the store filters by the
 * instants recorded in their events — created at or before the instant, not revoked and owner not
 * deleted at or before it, effective expiry under that policy after it. Those are the rules the
 * replay (tokensActiveAt) folds the events by; a test compares the two at many instants.
 */
@QueryHandler(ActiveTokensAtQuery)
export class ActiveTokensAtHandler implements IQueryHandler<ActiveTokensAtQuery> {
  constructor(
    private readonly log: AuditLog,
    @Inject(TOKEN_QUERIES) private readonly tokenQueries: TokenQueries,
  ) {}

  async execute(query: ActiveTokensAtQuery): Promise<ActiveTokensAtPage> {
    const at = query.at.toISOString();
    const policy = policyInForceAt(await this.log.streams(TOKEN_POLICY_STREAM), query.at);
    const { limit, after } = query.page;
    const records = await this.tokenQueries.listTokensActiveAtPage(
      { at, maxLifetimeDays: policy.maxLifetimeDays },
      query.userId,
      { limit: limit + 1, after: after ? { createdAt: after[0], tokenId: after[1] } : null },
    );
    const page = pageOf(records, limit, (record) => [record.createdAt, record.tokenId]);
    const tokens = page.items.map((record): TokenStatusAtView => {
      const effective = effectiveExpiry(record, policy);
      return {
        tokenId: record.tokenId,
        userId: record.userId,
        name: record.name,
        existed: true,
        status: 'Active',
        createdAt: record.createdAt,
        effectiveExpiresAt: effective.expiresAt.toISOString(),
        cappedByPolicy: effective.cappedByPolicy,
        // Active then: neither revoked nor ended by its owner's deletion by that instant.
        revokedAt: null,
        maxLifetimeDays: policy.maxLifetimeDays,
        at,
      };
    });
    return { at, tokens, next: page.next };
  }
}
