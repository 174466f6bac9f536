import {
  Body,
  Controller,
  Delete,
  ForbiddenException,
  HttpCode,
  Inject,
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
import { ApiErrors } from '@pat/shared';
import {
  AllowedBeforePasswordChange,
  CurrentPrincipal,
  FailureLimiter,
  Principal,
  Public,
  SESSION_COOKIE,
  SessionOnly,
  SessionService,
  clientKey,
} from '@pat/auth';
import { USER_QUERIES, UserQueries } from '@pat/read-model';
import type { Request, Response } from 'express';
import { usernameKey } from '../domain/user';
import { PasswordHasher } from '../password-hasher';
import { UserView, toUserView } from '../user-view';
import { ConfirmPasswordDto, ConfirmedView } from './confirm-password.dto';
import { LoginDto } from './login.dto';

const LOGIN_FAILED = 'Invalid username or password';
export const PASSWORD_NOT_CORRECT = 'The password is not correct';

@ApiTags('session')
@Controller('session')
export class SessionController {
  constructor(
    private readonly sessions: SessionService,
    private readonly passwords: PasswordHasher,
    private readonly failures: FailureLimiter,
    @Inject(USER_QUERIES) private readonly userQueries: UserQueries,
  ) {}

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
    const attempt = { client: clientKey(request), username: usernameKey(body.username) };
    this.failures.assertSignInAllowed(attempt);
    const user = await this.userQueries.findUserByUsernameKey(usernameKey(body.username));
    // The same work and the same answer whether the user exists or not.
    const valid = await this.passwords.verify(user?.passwordHash ?? null, body.password);
    if (!user || !valid) {
      await this.failures.recordSignInFailure(attempt);
      throw new UnauthorizedException(LOGIN_FAILED);
    }
    // Signing in proves the password: account changes need no confirmation for a while.
    const session = await this.sessions.start(user);
    response.cookie(SESSION_COOKIE, session.id, {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.secure,
      path: '/',
      expires: session.expiresAt,
    });
    return toUserView(user);
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
    // The same limit as sign-in: a stolen session cookie cannot be used to guess the password.
    const attempt = { client: clientKey(request), username: usernameKey(principal.username) };
    this.failures.assertSignInAllowed(attempt);
    const user = await this.userQueries.findUserById(principal.userId);
    const valid = await this.passwords.verify(user?.passwordHash ?? null, body.password);
    if (!user || !valid) {
      await this.failures.recordSignInFailure(attempt);
      // 403, not 401: the session stays valid, only this proof failed.
      throw new ForbiddenException(PASSWORD_NOT_CORRECT);
    }
    const confirmed = principal.sessionId
      ? await this.sessions.confirmPassword(principal.sessionId, user)
      : null;
    if (!confirmed) throw new UnauthorizedException('The session has ended');
    return { confirmedUntil: confirmed.confirmedUntil.toISOString() };
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
    if (principal.sessionId) await this.sessions.end(principal.sessionId);
    response.clearCookie(SESSION_COOKIE, {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.secure,
      path: '/',
    });
  }
}
