import {
  Body,
  Controller,
  Delete,
  ForbiddenException,
  HttpCode,
  Post,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import {
  ApiCookieAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import { ApiErrors } from '@pat/shared';
import {
  AllowedBeforePasswordChange,
  CurrentPrincipal,
  Principal,
  Public,
  SESSION_COOKIE,
  SessionOnly,
  clientKey,
} from '@pat/auth';
import type { Request, Response } from 'express';
import { ConfirmPasswordCommand } from '../confirm-password/confirm-password.command';
import { SignInCommand } from '../sign-in/sign-in.command';
import { SignOutCommand } from '../sign-out/sign-out.command';
import { UserView } from '../user-view';
import { ConfirmPasswordDto, ConfirmedView } from './confirm-password.dto';
import { LoginDto } from './login.dto';

const LOGIN_FAILED = 'Invalid username or password';
export const PASSWORD_NOT_CORRECT = 'The password is not correct';

@ApiTags('session')
@Controller('session')
export class SessionController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @Public()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'signIn',
    summary: 'Sign in; sets an HttpOnly, SameSite=Strict session cookie',
  })
  @ApiErrors(400, 403, 429, 503, {
    401: 'Invalid username or password: one message for any failure',
  })
  @ApiOkResponse({ type: UserView })
  async login(
    @Body() body: LoginDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<UserView> {
    const result = await this.commandBus.execute(
      new SignInCommand(body.username, body.password, clientKey(request)),
    );
    if (result.outcome === 'refused') throw new UnauthorizedException(LOGIN_FAILED);
    response.cookie(SESSION_COOKIE, result.session.id, {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.secure,
      path: '/',
      expires: result.session.expiresAt,
    });
    return result.user;
  }

  @Post('confirm')
  @SessionOnly()
  @AllowedBeforePasswordChange()
  @HttpCode(200)
  @ApiCookieAuth()
  @ApiOperation({
    operationId: 'confirmPassword',
    summary:
      'Prove the password again ("sudo mode"): account changes need a proof within REAUTH_WINDOW_MINUTES',
  })
  @ApiErrors(400, 401, 429, 503, {
    403: 'The password is not correct (counted like a failed sign-in), or a token was used',
  })
  @ApiOkResponse({ type: ConfirmedView })
  async confirm(
    @Body() body: ConfirmPasswordDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
  ): Promise<ConfirmedView> {
    const result = await this.commandBus.execute(
      new ConfirmPasswordCommand(principal, body.password, clientKey(request)),
    );
    // 403, not 401: the session stays valid, only this proof failed.
    if (result.outcome === 'wrong_password') throw new ForbiddenException(PASSWORD_NOT_CORRECT);
    if (result.outcome === 'session_ended') {
      throw new UnauthorizedException('The session has ended');
    }
    return { confirmedUntil: result.confirmedUntil.toISOString() };
  }

  @Delete()
  @AllowedBeforePasswordChange()
  @HttpCode(204)
  @ApiCookieAuth()
  @ApiOperation({ operationId: 'signOut', summary: 'Sign out' })
  @ApiErrors(400, 401, 403, 429, 503)
  @ApiNoContentResponse()
  async logout(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.commandBus.execute(new SignOutCommand(principal.sessionId));
    response.clearCookie(SESSION_COOKIE, {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.secure,
      path: '/',
    });
  }
}
