import { Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation } from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '@pat/access';
import { ApiController, ApiErrors, ApiPaged, type PagedCall, Paging } from '@pat/shared';
import { TokenView } from '../token-view';
import { ListMyTokensQuery, TOKEN_CURSOR_PARTS } from './list-my-tokens.query';

@ApiController({ path: 'me/tokens', tag: 'tokens' })
export class ListMyTokensController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({
    operationId: 'listMyTokens',
    summary: 'Your tokens, newest first, with their status now (paged)',
  })
  @ApiErrors(400, 401, 403, 429, 503)
  @ApiPaged({ type: TokenView, isArray: true })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Paging(TOKEN_CURSOR_PARTS) paging: PagedCall,
  ): Promise<TokenView[]> {
    const result = await this.queryBus.execute(
      new ListMyTokensQuery(principal.userId, paging.page),
    );
    return paging.send(result);
  }
}
