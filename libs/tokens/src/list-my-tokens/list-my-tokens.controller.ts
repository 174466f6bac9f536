import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '@pat/auth';
import { TokenView } from '../token-view';
import { ListMyTokensQuery } from './list-my-tokens.query';

@ApiTags('tokens')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('me/tokens')
export class ListMyTokensController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'Your tokens, newest first, with their status now' })
  @ApiOkResponse({ type: TokenView, isArray: true })
  list(@CurrentPrincipal() principal: Principal): Promise<TokenView[]> {
    return this.queryBus.execute(new ListMyTokensQuery(principal.userId));
  }
}
