import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore } from '@pat/event-store';
import { notFound } from '@pat/shared';
import { tokenStream } from '../domain/token';
import { TokenHistoryQuery } from './token-history.query';
import { TokenHistoryView } from './token-history.view';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A token's events, read from the log itself (not the read model): the auditors' record. */
@QueryHandler(TokenHistoryQuery)
export class TokenHistoryHandler implements IQueryHandler<TokenHistoryQuery> {
  constructor(@Inject(EVENT_STORE) private readonly eventStore: EventStore) {}

  async execute(query: TokenHistoryQuery): Promise<TokenHistoryView> {
    const events = UUID.test(query.tokenId)
      ? await this.eventStore.readStream(tokenStream(query.tokenId))
      : [];
    if (events.length === 0) throw notFound('Token not found');
    return {
      tokenId: query.tokenId,
      events: events.map(({ position, streamName, revision, type, data, metadata }) => ({
        position,
        streamName,
        revision,
        type,
        data,
        metadata,
      })),
    };
  }
}
