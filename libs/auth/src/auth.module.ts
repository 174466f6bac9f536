import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TokenUsageRecorder } from '@pat/tokens/usage/token-usage-recorder';
import { AuthenticationGuard, BearerAuthGuard } from './authentication.guard';
import { BearerStrategy } from './bearer.strategy';
import { SessionService } from './session/session.service';
import { TokenAuthenticator } from './token-authenticator';

@Module({
  imports: [PassportModule],
  providers: [
    TokenAuthenticator,
    TokenUsageRecorder,
    BearerStrategy,
    BearerAuthGuard,
    SessionService,
    AuthenticationGuard,
  ],
  exports: [TokenAuthenticator, TokenUsageRecorder, SessionService, AuthenticationGuard],
})
export class AuthModule {}
