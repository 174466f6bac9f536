import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AuditLog } from '../audit-log';
import { EventPageView } from './event-page.view';
import { ListEventsQuery } from './list-events.query';

@QueryHandler(ListEventsQuery)
export class ListEventsHandler implements IQueryHandler<ListEventsQuery> {
  constructor(private readonly log: AuditLog) {}

  async execute(query: ListEventsQuery): Promise<EventPageView> {
    const page = await this.log.page(query.after, query.limit, query.filter);
    return {
      events: page.events.map(({ position, streamName, revision, type, data, metadata }) => ({
        position,
        streamName,
        revision,
        type,
        data: withoutSecrets(data),
        metadata,
      })),
      next: page.next,
    };
  }
}

/**
 * Password hashes are part of the record (login needs them after a rebuild) but not of what the
 * audit API shows: an auditor learns that the password was set or changed, not its hash.
 */
function withoutSecrets(data: unknown): unknown {
  if (data === null || typeof data !== 'object' || !('passwordHash' in data)) return data;
  return { ...data, passwordHash: '[redacted]' };
}
