import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCookieAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CallerContext,
  CredentialChange,
  CurrentPrincipal,
  Principal,
  SessionOnly,
} from '@pat/access';
import { ApiErrors, type CommandContext } from '@pat/shared';
import { CreatedTokenView } from '../token-view';
import { CreateTokenCommand } from './create-token.command';
import { CreateTokenDto, requestedLifetime } from './create-token.dto';

@ApiTags('tokens')
@Controller('me/tokens')
export class CreateTokenController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @SessionOnly()
  @CredentialChange()
  @ApiCookieAuth()
  @ApiOperation({
    operationId: 'createToken',
    summary: 'Create a personal access token (browser session only)',
  })
  @ApiErrors(400, 401, 429, 503, {
    409: 'You already have MAX_ACTIVE_TOKENS_PER_USER active tokens: revoke one first',
  })
  @ApiCreatedResponse({ type: CreatedTokenView, description: 'The token, shown this once' })
  create(
    @Body() body: CreateTokenDto,
    @CurrentPrincipal() principal: Principal,
    @CallerContext() context: CommandContext,
  ): Promise<CreatedTokenView> {
    return this.commandBus.execute(
      new CreateTokenCommand(principal.userId, body.name, requestedLifetime(body), context),
    );
  }
}
