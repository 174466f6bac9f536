import { Body, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminOnly, CallerContext, CredentialChange } from '@pat/access';
import { ApiController, ApiErrors, type CommandContext } from '@pat/shared';
import { TokenPolicyView } from '../token-policy-view';
import { ChangeTokenPolicyCommand } from './change-token-policy.command';
import { ChangeTokenPolicyDto } from './change-token-policy.dto';

@ApiController({ path: 'admin/token-policy', tag: 'token policy' })
export class ChangeTokenPolicyController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put()
  @AdminOnly()
  @CredentialChange()
  @ApiOperation({
    operationId: 'changeTokenPolicy',
    summary: 'Set the longest token lifetime; applies at once to existing tokens too',
  })
  @ApiErrors(400, 401, 409, 429, 503)
  @ApiOkResponse({ type: TokenPolicyView })
  change(
    @Body() body: ChangeTokenPolicyDto,
    @CallerContext() context: CommandContext,
  ): Promise<TokenPolicyView> {
    return this.commandBus.execute(new ChangeTokenPolicyCommand(body.maxLifetimeDays, context));
  }
}
