import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors } from '@pat/shared';
import { AuditAccess } from '@pat/auth';
import { TokenHistoryQuery } from './token-history.query';
import { TokenHistoryView } from './token-history.view';

@ApiTags('audit')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('audit/tokens')
export class TokenHistoryController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id/history')
  @AuditAccess()
  @ApiOperation({
    operationId: 'getTokenHistory',
    summary: 'A token’s events, in order (system administrators and auditors)',
  })
  @ApiErrors(400, 401, 403, 429, 503, { 404: 'No such token' })
  @ApiOkResponse({ type: TokenHistoryView })
  history(@Param('id') id: string): Promise<TokenHistoryView> {
    return this.queryBus.execute(new TokenHistoryQuery(id));
  }
}
