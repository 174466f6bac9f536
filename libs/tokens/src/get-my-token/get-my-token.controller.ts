import { Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiErrors } from '@pat/shared';
import { CurrentPrincipal, Principal } from '@pat/access';
import { TokenView } from '../token-view';
import { GetMyTokenQuery } from './get-my-token.query';

@ApiController({ path: 'me/tokens', tag: 'tokens' })
export class GetMyTokenController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id')
  @ApiOperation({ operationId: 'getMyToken', summary: 'One of your tokens' })
  @ApiErrors(400, 401, 403, 429, 503, { 404: 'No such token of yours' })
  @ApiOkResponse({ type: TokenView })
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<TokenView> {
    return this.queryBus.execute(new GetMyTokenQuery(id, principal.userId));
  }
}
