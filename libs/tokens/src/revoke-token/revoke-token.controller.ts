import { HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { CallerContext, CurrentPrincipal, Principal } from '@pat/access';
import { ApiController, ApiErrors, type CommandContext } from '@pat/shared';
import { TokenView } from '../token-view';
import { RevokeTokenCommand } from './revoke-token.command';

@ApiController({ path: 'me/tokens', tag: 'tokens' })
export class RevokeTokenController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/revoke')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'revokeMyToken',
    summary: 'Revoke one of your tokens, at once and for good',
  })
  @ApiErrors(400, 401, 403, 429, 503, { 404: 'No such token of yours', 409: 'Already revoked' })
  @ApiOkResponse({ type: TokenView })
  revoke(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @CallerContext() context: CommandContext,
  ): Promise<TokenView> {
    return this.commandBus.execute(new RevokeTokenCommand(id, principal.userId, 'user', context));
  }
}
