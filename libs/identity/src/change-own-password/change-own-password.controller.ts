import { Body, Controller, ForbiddenException, HttpCode, Put, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCookieAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AllowedBeforePasswordChange,
  CallerContext,
  CurrentPrincipal,
  Principal,
  SessionOnly,
  clientKey,
} from '@pat/auth';
import { ApiErrors, type CommandContext } from '@pat/shared';
import type { Request } from 'express';
import { PASSWORD_NOT_CORRECT } from '../session/session.controller';
import { ChangeOwnPasswordCommand } from './change-own-password.command';
import { ChangeOwnPasswordDto } from './change-own-password.dto';

@ApiTags('session')
@ApiCookieAuth()
@Controller('me/password')
export class ChangeOwnPasswordController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put()
  @HttpCode(204)
  // The current password is the proof; a token can never change one (docs/design/contract.md §10).
  @SessionOnly()
  // How a one-time password is replaced: the one route (with GET /me) that it opens.
  @AllowedBeforePasswordChange()
  @ApiOperation({
    operationId: 'changeMyPassword',
    summary:
      'Change your own password (browser session only); every other session of yours ends at once',
  })
  @ApiErrors(400, 401, 429, 503, {
    403: 'The current password is not correct (counted like a failed sign-in), or a token was used',
  })
  @ApiNoContentResponse()
  async change(
    @Body() body: ChangeOwnPasswordDto,
    @CurrentPrincipal() principal: Principal,
    @CallerContext() context: CommandContext,
    @Req() request: Request,
  ): Promise<void> {
    const result = await this.commandBus.execute(
      new ChangeOwnPasswordCommand(
        principal,
        body.currentPassword,
        body.newPassword,
        clientKey(request),
        context,
      ),
    );
    if (result === 'wrong_password') throw new ForbiddenException(PASSWORD_NOT_CORRECT);
  }
}
