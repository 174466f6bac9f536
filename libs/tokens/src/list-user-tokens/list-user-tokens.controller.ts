import { Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation } from '@nestjs/swagger';
import { AdminOnly } from '@pat/access';
import { ApiController, ApiErrors, ApiPaged, type PagedCall, Paging } from '@pat/shared';
import { TOKEN_CURSOR_PARTS } from '../list-my-tokens/list-my-tokens.query';
import { TokenView } from '../token-view';
import { ListUserTokensQuery } from './list-user-tokens.query';

@ApiController({ path: 'admin/users', tag: 'tokens (admin)' })
export class ListUserTokensController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id/tokens')
  @AdminOnly()
  @ApiOperation({
    operationId: 'listUserTokens',
    summary: 'Any user’s tokens, newest first, paged (system administrators)',
  })
  @ApiErrors(400, 401, 403, 429, 503, { 404: 'No such user' })
  @ApiPaged({ type: TokenView, isArray: true })
  async list(
    @Param('id') id: string,
    @Paging(TOKEN_CURSOR_PARTS) paging: PagedCall,
  ): Promise<TokenView[]> {
    const result = await this.queryBus.execute(new ListUserTokensQuery(id, paging.page));
    return paging.send(result);
  }
}
