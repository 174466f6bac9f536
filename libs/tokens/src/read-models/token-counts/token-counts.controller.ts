import { Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminOnly } from '@pat/access';
import { ApiController, ApiErrors, isUuid, notFound } from '@pat/shared';
import { TokenCountsQuery } from './token-counts.query';
import { TokenCountsView } from './token-counts.view';

@ApiController({ path: 'admin/users', tag: 'tokens (admin)' })
export class TokenCountsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id/token-counts')
  @AdminOnly()
  @ApiOperation({
    operationId: 'getUserTokenCounts',
    summary:
      'How many tokens a user created, and how many of them are revoked (system administrators)',
  })
  @ApiErrors(401, 403, 429, 503, { 404: 'Not a user id' })
  @ApiOkResponse({ type: TokenCountsView })
  counts(@Param('id') id: string): Promise<TokenCountsView> {
    if (!isUuid(id)) throw notFound('User not found');
    return this.queryBus.execute(new TokenCountsQuery(id));
  }
}
