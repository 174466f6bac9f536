import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AuthenticationGuard, BearerAuthGuard } from './authentication.guard';
import { BearerStrategy } from './bearer.strategy';
import { SessionService } from './session/session.service';
import { TokenAuthenticator } from './token-authenticator';

@Module({
  imports: [PassportModule],
  providers: [
    TokenAuthenticator,
    BearerStrategy,
    BearerAuthGuard,
    SessionService,
    AuthenticationGuard,
  ],
  exports: [TokenAuthenticator, SessionService, AuthenticationGuard],
})
export class AuthModule {}
