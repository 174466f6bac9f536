import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore, RecordedEvent } from '@pat/event-store';
import { encodeCursor, invalid, isUuid, notFound } from '@pat/shared';
import { tokenStream, tokenUsageStream } from '../domain/token';
import { TokenHistoryPage, TokenHistoryQuery } from './token-history.query';

const REVISION = /^(0|[1-9][0-9]{0,14})$/;

/**
 * A token's events, read from the log itself (not the read model): the auditors' record. Two
 * streams hold them — decisions in `token-<id>`, the usage trail in `token_usage-<id>` — merged
 * here in log order, one page at a time: each stream is read from where the cursor left it, at
 * most `limit + 1` events, which is enough to know the first `limit` of the merge.
 */
@QueryHandler(TokenHistoryQuery)
export class TokenHistoryHandler implements IQueryHandler<TokenHistoryQuery> {
  constructor(@Inject(EVENT_STORE) private readonly eventStore: EventStore) {}

  async execute(query: TokenHistoryQuery): Promise<TokenHistoryPage> {
    if (!isUuid(query.tokenId)) throw notFound('Token not found');
    const [fromDecision, fromUsage] = startRevisions(query.page.after);
    const maxCount = query.page.limit + 1;
    const [decisions, usage] = await Promise.all([
      this.eventStore.readStream(tokenStream(query.tokenId), {
        fromRevision: fromDecision,
        maxCount,
      }),
      this.eventStore.readStream(tokenUsageStream(query.tokenId), {
        fromRevision: fromUsage,
        maxCount,
      }),
    ]);
    if (fromDecision === 0 && decisions.length === 0) throw notFound('Token not found');
    const merged = this.merge(decisions, usage);
    const events = merged.slice(0, query.page.limit);
    const decisionsShown = events.filter(
      (event) => event.streamName !== tokenUsageStream(query.tokenId),
    ).length;
    const next =
      merged.length > events.length
        ? encodeCursor([
            String(fromDecision + decisionsShown),
            String(fromUsage + events.length - decisionsShown),
          ])
        : null;
    return {
      view: {
        tokenId: query.tokenId,
        events: events.map(({ position, streamName, revision, type, data, metadata }) => ({
          position,
          streamName,
          revision,
          type,
          data,
          metadata,
        })),
      },
      next,
    };
  }

  private merge(a: RecordedEvent[], b: RecordedEvent[]): RecordedEvent[] {
    const merged: RecordedEvent[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const takeA =
        j >= b.length ||
        (i < a.length && this.eventStore.comparePositions(a[i].position, b[j].position) < 0);
      merged.push(takeA ? a[i++] : b[j++]);
    }
    return merged;
  }
}

function startRevisions(after: readonly string[] | null): [number, number] {
  if (after === null) return [0, 0];
  if (!after.every((part) => REVISION.test(part))) {
    throw invalid('cursor', 'cursor must be a cursor returned by this API (from a Link header)');
  }
  return [Number(after[0]), Number(after[1])];
}
