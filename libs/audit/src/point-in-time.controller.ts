import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AuditAccess } from '@pat/auth';
import { invalid } from '@pat/shared';
import { ActiveTokensAtQuery } from './active-tokens-at/active-tokens-at.query';
import {
  ActiveTokensAtView,
  AtInstantDto,
  TokenStatusAtView,
} from './token-status-at/point-in-time.dto';
import { TokenStatusAtQuery } from './token-status-at/token-status-at.query';

@ApiTags('audit')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('audit')
export class PointInTimeController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('tokens/:id/status')
  @AuditAccess()
  @ApiOperation({
    summary: 'A token’s status as of an instant, replayed from the log (admins and auditors)',
  })
  @ApiOkResponse({ type: TokenStatusAtView })
  status(@Param('id') id: string, @Query() query: AtInstantDto): Promise<TokenStatusAtView> {
    return this.queryBus.execute(new TokenStatusAtQuery(id, instant(query.at)));
  }

  @Get('active-tokens')
  @AuditAccess()
  @ApiOperation({
    summary:
      'Every token (of one user, or of all) that could authenticate at an instant (admins and auditors)',
  })
  @ApiOkResponse({ type: ActiveTokensAtView })
  active(@Query() query: AtInstantDto): Promise<ActiveTokensAtView> {
    return this.queryBus.execute(new ActiveTokensAtQuery(instant(query.at), query.userId ?? null));
  }
}

/** ISO 8601 allows forms (week dates, ordinal dates) that Date cannot read: refuse those too. */
function instant(value: string): Date {
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) {
    throw invalid('at', 'at must be an ISO 8601 date and time, e.g. 2026-11-24T14:02:00Z');
  }
  return parsed;
}
