import { Get, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AuditAccess } from '@pat/access';
import type { Request, Response } from 'express';
import {
  ApiController,
  ApiErrors,
  ApiPaged,
  invalid,
  parsePageRequest,
  setNextPageLink,
} from '@pat/shared';
import {
  ACTIVE_TOKEN_CURSOR_PARTS,
  ActiveTokensAtQuery,
} from './active-tokens-at/active-tokens-at.query';
import {
  ActiveTokensAtDto,
  ActiveTokensAtView,
  AtInstantDto,
  TokenStatusAtView,
} from './token-status-at/point-in-time.dto';
import { TokenStatusAtQuery } from './token-status-at/token-status-at.query';

@ApiController({ path: 'audit', tag: 'audit' })
export class PointInTimeController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('tokens/:id/status')
  @AuditAccess()
  @ApiOperation({
    operationId: 'getTokenStatusAt',
    summary: 'A token’s status as of an instant, replayed from the log (admins and auditors)',
  })
  @ApiErrors(400, 401, 403, 429, 503, { 404: 'No such token' })
  @ApiOkResponse({ type: TokenStatusAtView })
  status(@Param('id') id: string, @Query() query: AtInstantDto): Promise<TokenStatusAtView> {
    return this.queryBus.execute(new TokenStatusAtQuery(id, instant(query.at)));
  }

  @Get('active-tokens')
  @AuditAccess()
  @ApiOperation({
    operationId: 'listActiveTokensAt',
    summary:
      'Every token (of one user, or of all) that could authenticate at an instant, oldest ' +
      'first, paged: `tokens` holds one page (admins and auditors)',
  })
  @ApiErrors(400, 401, 403, 429, 503)
  @ApiPaged({ type: ActiveTokensAtView })
  async active(
    @Query() query: ActiveTokensAtDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ActiveTokensAtView> {
    const at = instant(query.at);
    const page = parsePageRequest(query.limit, query.cursor, ACTIVE_TOKEN_CURSOR_PARTS);
    const { next, ...view } = await this.queryBus.execute(
      new ActiveTokensAtQuery(at, query.userId ?? null, page),
    );
    setNextPageLink(request, response, next);
    return view;
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
