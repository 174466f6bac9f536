import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AuditAccess } from '@pat/auth';
import { ActiveTokensAtQuery } from './active-tokens-at/active-tokens-at.query';
import {
  ActiveTokensAtView,
  AtInstantDto,
  TokenStatusAtView,
} from './token-status-at/point-in-time.dto';
import { TokenStatusAtQuery } from './token-status-at/token-status-at.query';

@ApiTags('audit')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('audit')
export class PointInTimeController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('tokens/:id/status')
  @AuditAccess()
  @ApiOperation({
    summary: 'A token’s status as of an instant, replayed from the log (admins and auditors)',
  })
  @ApiOkResponse({ type: TokenStatusAtView })
  status(@Param('id') id: string, @Query() query: AtInstantDto): Promise<TokenStatusAtView> {
    return this.queryBus.execute(new TokenStatusAtQuery(id, new Date(query.at)));
  }

  @Get('active-tokens')
  @AuditAccess()
  @ApiOperation({
    summary:
      'Every token (of one user, or of all) that could authenticate at an instant (admins and auditors)',
  })
  @ApiOkResponse({ type: ActiveTokensAtView })
  active(@Query() query: AtInstantDto): Promise<ActiveTokensAtView> {
    return this.queryBus.execute(new ActiveTokensAtQuery(new Date(query.at), query.userId ?? null));
  }
}
