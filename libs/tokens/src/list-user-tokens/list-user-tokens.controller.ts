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
import { AdminOnly } from '@pat/auth';
import {
  ApiErrors,
  ApiPaged,
  NEXT_PAGE_LINK_HEADER,
  parsePageRequest,
  sendPage,
} from '@pat/shared';
import { TOKEN_CURSOR_PARTS } from '../list-my-tokens/list-my-tokens.query';
import { TokenView } from '../token-view';
import { ListUserTokensQuery } from './list-user-tokens.query';

@ApiTags('tokens (admin)')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('admin/users')
export class ListUserTokensController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id/tokens')
  @AdminOnly()
  @ApiOperation({
    operationId: 'listUserTokens',
    summary: 'Any user’s tokens, newest first, paged (system administrators)',
  })
  @ApiErrors(400, 401, 403, 429, 503, { 404: 'No such user' })
  @ApiPaged()
  @ApiOkResponse({ type: TokenView, isArray: true, headers: NEXT_PAGE_LINK_HEADER })
  async list(
    @Param('id') id: string,
    @Query('limit') limit: unknown,
    @Query('cursor') cursor: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TokenView[]> {
    const page = parsePageRequest(limit, cursor, TOKEN_CURSOR_PARTS);
    const result = await this.queryBus.execute(new ListUserTokensQuery(id, page));
    return sendPage(request, response, result);
  }
}
