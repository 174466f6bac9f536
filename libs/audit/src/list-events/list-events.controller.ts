import { Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiErrors } from '@pat/shared';
import { AuditAccess } from '@pat/access';
import { parseEventTypes } from '../event-types';
import { EventPageView } from './event-page.view';
import { ListEventsDto } from './list-events.dto';
import { ListEventsQuery } from './list-events.query';

@ApiController({ path: 'audit/events', tag: 'audit' })
export class ListEventsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @AuditAccess()
  @ApiOperation({
    operationId: 'listEvents',
    summary: 'The event log in order, filtered, paged by position (admins and auditors)',
  })
  @ApiErrors(400, 401, 403, 429, 503)
  @ApiOkResponse({ type: EventPageView })
  list(@Query() query: ListEventsDto): Promise<EventPageView> {
    return this.queryBus.execute(
      new ListEventsQuery(query.after ?? null, query.limit ?? 100, {
        types: query.type === undefined ? undefined : parseEventTypes(query.type),
        userId: query.userId,
        tokenId: query.tokenId,
      }),
    );
  }
}
