import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Principal } from '@pat/auth';
import {
  ApiErrors,
  ApiPaged,
  NEXT_PAGE_LINK_HEADER,
  parsePageRequest,
  sendPage,
} from '@pat/shared';
import { TokenView } from '../token-view';
import { ListMyTokensQuery, TOKEN_CURSOR_PARTS } from './list-my-tokens.query';

@ApiTags('tokens')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('me/tokens')
export class ListMyTokensController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({
    operationId: 'listMyTokens',
    summary: 'Your tokens, newest first, with their status now (paged)',
  })
  @ApiErrors(400, 401, 403, 429, 503)
  @ApiPaged()
  @ApiOkResponse({ type: TokenView, isArray: true, headers: NEXT_PAGE_LINK_HEADER })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query('limit') limit: unknown,
    @Query('cursor') cursor: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TokenView[]> {
    const page = parsePageRequest(limit, cursor, TOKEN_CURSOR_PARTS);
    const result = await this.queryBus.execute(new ListMyTokensQuery(principal.userId, page));
    return sendPage(request, response, result);
  }
}
