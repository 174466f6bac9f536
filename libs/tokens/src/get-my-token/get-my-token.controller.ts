import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '@pat/auth';
import { TokenView } from '../token-view';
import { GetMyTokenQuery } from './get-my-token.query';

@ApiTags('tokens')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('me/tokens')
export class GetMyTokenController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id')
  @ApiOperation({ summary: 'One of your tokens' })
  @ApiOkResponse({ type: TokenView })
  @ApiNotFoundResponse({ description: 'No such token of yours' })
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<TokenView> {
    return this.queryBus.execute(new GetMyTokenQuery(id, principal.userId));
  }
}
