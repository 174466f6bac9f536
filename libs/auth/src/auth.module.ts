import { Module } from '@nestjs/common';
import { TokenUsageRecorder, USAGE_SINK } from '@pat/tokens';
import { AuthenticationGuard } from './authentication.guard';
import { AuthenticationOutcomes } from './authentication-outcomes';
import { BearerStrategy } from './bearer.strategy';
import { FailureLimiter } from './rate-limit/failure-limiter';
import { SessionService } from './session/session.service';
import { TokenAuthenticator } from './token-authenticator';

@Module({
  providers: [
    TokenAuthenticator,
    TokenUsageRecorder,
    { provide: USAGE_SINK, useExisting: TokenUsageRecorder },
    BearerStrategy,
    AuthenticationOutcomes,
    SessionService,
    AuthenticationGuard,
    FailureLimiter,
  ],
  exports: [
    AuthenticationOutcomes,
    TokenAuthenticator,
    TokenUsageRecorder,
    SessionService,
    AuthenticationGuard,
    FailureLimiter,
  ],
})
export class AuthModule {}
