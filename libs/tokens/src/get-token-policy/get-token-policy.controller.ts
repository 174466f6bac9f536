import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly } from '@pat/auth';
import { TokenPolicyView } from '../token-policy-view';
import { GetTokenPolicyQuery } from './get-token-policy.query';

@ApiTags('token policy')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller()
export class GetTokenPolicyController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('token-policy')
  @ApiOperation({ summary: 'The longest lifetime a token may have, and the lifetime presets' })
  @ApiOkResponse({ type: TokenPolicyView })
  get(): Promise<TokenPolicyView> {
    return this.queryBus.execute(new GetTokenPolicyQuery());
  }

  @Get('admin/token-policy')
  @AdminOnly()
  @ApiOperation({ summary: 'The token policy (system administrators)' })
  @ApiOkResponse({ type: TokenPolicyView })
  getAsAdmin(): Promise<TokenPolicyView> {
    return this.queryBus.execute(new GetTokenPolicyQuery());
  }
}
