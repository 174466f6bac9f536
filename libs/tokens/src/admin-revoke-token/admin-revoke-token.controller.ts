import { HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminOnly, CallerContext } from '@pat/access';
import { ApiController, ApiErrors, type CommandContext } from '@pat/shared';
import { RevokeTokenCommand } from '../revoke-token/revoke-token.command';
import { TokenView } from '../token-view';

/** Kill anyone's leaked token: the same command as a user's revoke, with reason `admin`. */
@ApiController({ path: 'admin/tokens', tag: 'tokens (admin)' })
export class AdminRevokeTokenController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/revoke')
  @HttpCode(200)
  @AdminOnly()
  @ApiOperation({
    operationId: 'revokeTokenAsAdmin',
    summary: 'Revoke any token (system administrators)',
  })
  @ApiErrors(400, 401, 403, 429, 503, { 404: 'No such token', 409: 'Already revoked' })
  @ApiOkResponse({ type: TokenView })
  revoke(@Param('id') id: string, @CallerContext() context: CommandContext): Promise<TokenView> {
    return this.commandBus.execute(new RevokeTokenCommand(id, null, 'admin', context));
  }
}
