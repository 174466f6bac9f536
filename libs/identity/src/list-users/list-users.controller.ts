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
import { AdminOnly } from '@pat/auth';
import {
  ApiErrors,
  ApiPaged,
  NEXT_PAGE_LINK_HEADER,
  parsePageRequest,
  sendPage,
} from '@pat/shared';
import { UserView } from '../user-view';
import { ListUsersQuery, USER_CURSOR_PARTS } from './list-users.query';

@ApiTags('users')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('admin/users')
export class ListUsersController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @AdminOnly()
  @ApiOperation({
    operationId: 'listUsers',
    summary: 'All users, in username order, paged (system administrators)',
  })
  @ApiErrors(400, 401, 403, 429, 503)
  @ApiPaged()
  @ApiOkResponse({ type: UserView, isArray: true, headers: NEXT_PAGE_LINK_HEADER })
  async list(
    @Query('limit') limit: unknown,
    @Query('cursor') cursor: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<UserView[]> {
    const page = parsePageRequest(limit, cursor, USER_CURSOR_PARTS);
    const result = await this.queryBus.execute(new ListUsersQuery(page));
    return sendPage(request, response, result);
  }
}
