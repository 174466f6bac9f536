import {
  Body,
  Controller,
  Delete,
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
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import {
  CurrentPrincipal,
  FailureLimiter,
  Principal,
  Public,
  SESSION_COOKIE,
  SessionService,
  clientKey,
} from '@pat/auth';
import { READ_MODEL, ReadModel } from '@pat/read-model';
import type { Request, Response } from 'express';
import { usernameKey } from '../domain/user';
import { PasswordHasher } from '../password-hasher';
import { UserView, toUserView } from '../user-view';
import { LoginDto } from './login.dto';

const LOGIN_FAILED = 'Invalid username or password';

@ApiTags('session')
@Controller('session')
export class SessionController {
  constructor(
    private readonly sessions: SessionService,
    private readonly passwords: PasswordHasher,
    private readonly failures: FailureLimiter,
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
  ) {}

  @Post()
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in; sets an HttpOnly, SameSite=Strict session cookie' })
  @ApiOkResponse({ type: UserView })
  @ApiUnauthorizedResponse({ description: 'One message for any failure' })
  async login(
    @Body() body: LoginDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<UserView> {
    const attempt = { client: clientKey(request), username: usernameKey(body.username) };
    this.failures.assertSignInAllowed(attempt);
    const user = await this.readModel.findUserByUsernameKey(usernameKey(body.username));
    // The same work and the same answer whether the user exists or not.
    const valid = await this.passwords.verify(user?.passwordHash ?? null, body.password);
    if (!user || !valid) {
      await this.failures.recordSignInFailure(attempt);
      throw new UnauthorizedException(LOGIN_FAILED);
    }
    const session = await this.sessions.start(user.userId);
    response.cookie(SESSION_COOKIE, session.id, {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.secure,
      path: '/',
      expires: session.expiresAt,
    });
    return toUserView(user);
  }

  @Delete()
  @HttpCode(204)
  @ApiCookieAuth()
  @ApiOperation({ summary: 'Sign out' })
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
