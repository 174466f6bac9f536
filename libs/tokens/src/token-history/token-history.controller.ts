import { Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiErrors, ApiPaged, type PagedCall, Paging } from '@pat/shared';
import { AuditAccess } from '@pat/access';
import { HISTORY_CURSOR_PARTS, TokenHistoryQuery } from './token-history.query';
import { TokenHistoryView } from './token-history.view';

@ApiController({ path: 'audit/tokens', tag: 'audit' })
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
  @ApiPaged({ type: TokenHistoryView })
  async history(
    @Param('id') id: string,
    @Paging(HISTORY_CURSOR_PARTS) paging: PagedCall,
  ): Promise<TokenHistoryView> {
    const result = await this.queryBus.execute(new TokenHistoryQuery(id, paging.page));
    paging.link(result.next);
    return result.view;
  }
}
