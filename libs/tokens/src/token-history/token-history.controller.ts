import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  ApiErrors,
  ApiPaged,
  NEXT_PAGE_LINK_HEADER,
  parsePageRequest,
  setNextPageLink,
} from '@pat/shared';
import { AuditAccess } from '@pat/auth';
import { HISTORY_CURSOR_PARTS, TokenHistoryQuery } from './token-history.query';
import { TokenHistoryView } from './token-history.view';

@ApiTags('audit')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('audit/tokens')
export class TokenHistoryController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id/history')
  @AuditAccess()
  @ApiOperation({
    operationId: 'getTokenHistory',
    summary:
      'A token’s events — decisions and usage trail — in log order, paged (system administrators and auditors)',
  })
  @ApiErrors(400, 401, 403, 429, 503, { 404: 'No such token' })
  @ApiPaged()
  @ApiOkResponse({ type: TokenHistoryView, headers: NEXT_PAGE_LINK_HEADER })
  async history(
    @Param('id') id: string,
    @Query('limit') limit: unknown,
    @Query('cursor') cursor: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TokenHistoryView> {
    const page = parsePageRequest(limit, cursor, HISTORY_CURSOR_PARTS);
    const result = await this.queryBus.execute(new TokenHistoryQuery(id, page));
    setNextPageLink(request, response, result.next);
    return result.view;
  }
}
