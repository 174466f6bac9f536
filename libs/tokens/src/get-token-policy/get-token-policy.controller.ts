import { Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiErrors } from '@pat/shared';
import { AdminOnly } from '@pat/access';
import { TokenPolicyView } from '../token-policy-view';
import { GetTokenPolicyQuery } from './get-token-policy.query';

@ApiController({ tag: 'token policy' })
export class GetTokenPolicyController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('token-policy')
  @ApiOperation({
    operationId: 'getTokenPolicy',
    summary: 'The longest lifetime a token may have, and the lifetime presets',
  })
  @ApiErrors(400, 401, 403, 429, 503)
  @ApiOkResponse({ type: TokenPolicyView })
  get(): Promise<TokenPolicyView> {
    return this.queryBus.execute(new GetTokenPolicyQuery());
  }

  @Get('admin/token-policy')
  @AdminOnly()
  @ApiOperation({
    operationId: 'getTokenPolicyAsAdmin',
    summary: 'The token policy (system administrators)',
  })
  @ApiErrors(400, 401, 403, 429, 503)
  @ApiOkResponse({ type: TokenPolicyView })
  getAsAdmin(): Promise<TokenPolicyView> {
    return this.queryBus.execute(new GetTokenPolicyQuery());
  }
}
