import { Query } from '@nestjs/cqrs';
import type { EventFilter } from '../audit-log';
import type { EventPageView } from './event-page.view';

export class ListEventsQuery extends Query<EventPageView> {
  constructor(
    readonly after: string | null,
    readonly limit: number,
    readonly filter: EventFilter,
  ) {
    super();
  }
}
