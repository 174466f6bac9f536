import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TokenUsageRecorder } from '@pat/tokens/usage/token-usage-recorder';
import { AuthenticationGuard, BearerAuthGuard } from './authentication.guard';
import { BearerStrategy } from './bearer.strategy';
import { FailureLimiter } from './rate-limit/failure-limiter';
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
    FailureLimiter,
  ],
  exports: [
    TokenAuthenticator,
    TokenUsageRecorder,
    SessionService,
    AuthenticationGuard,
    FailureLimiter,
  ],
})
export class AuthModule {}
