import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly } from '@pat/auth';
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
  @ApiOperation({ summary: 'Any user’s tokens, newest first (system administrators)' })
  @ApiOkResponse({ type: TokenView, isArray: true })
  list(@Param('id') id: string): Promise<TokenView[]> {
    return this.queryBus.execute(new ListUserTokensQuery(id));
  }
}
