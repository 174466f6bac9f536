import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { StoreHealth } from '@pat/application';
import { AuthGuard } from '@nestjs/passport';
import type { Request, Response } from 'express';
import { BearerChallengeException, describeRejection } from './bearer-challenge';
import { ADMIN_ONLY, AUDIT_ACCESS, BEARER_ONLY, IS_PUBLIC, SESSION_ONLY } from './decorators';
import type { Principal } from './principal';
import { FailureLimiter } from './rate-limit/failure-limiter';
import { SESSION_COOKIE, SessionService } from './session/session.service';

/**
 * The stock @nestjs/passport guard turns every failure into a bare 401: it drops the strategy's
 * WWW-Authenticate challenge and its 400 for a malformed header. This one puts them back.
 */
@Injectable()
export class BearerAuthGuard extends AuthGuard('bearer') {
  override handleRequest<T>(
    error: unknown,
    user: T | false,
    info: unknown,
    _context: ExecutionContext,
    status?: unknown,
  ): T {
    if (error) throw error instanceof Error ? error : new Error('Bearer authentication failed');
    if (user) return user;
    if (status === 400) throw BearerChallengeException.invalidRequest();
    const challenge = typeof info === 'string' ? info : '';
    const description = /error_description="([^"]*)"/.exec(challenge)?.[1];
    if (!/error="invalid_token"/.test(challenge)) throw BearerChallengeException.missing();
    throw BearerChallengeException.invalidToken(description ?? describeRejection('invalid'));
  }
}

/**
 * The global guard: every route needs a caller unless marked @Public(). A request with an
 * Authorization header is judged by the bearer strategy alone (a cookie does not rescue a bad
 * token); otherwise the session cookie. Then the route's @SessionOnly() and @AdminOnly().
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly bearer: BearerAuthGuard,
    private readonly sessions: SessionService,
    private readonly failures: FailureLimiter,
    private readonly stores: StoreHealth,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<Request>();
    // Fail closed: no credential is honoured while a store is unreachable.
    this.stores.assertAvailable();

    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const client = clientKey(request);
      this.failures.assertAllowed('bearer', client);
      try {
        // Present but empty is malformed, not absent (passport-http-bearer would ignore it).
        if (authorization.trim() === '') throw BearerChallengeException.invalidRequest();
        await this.bearer.canActivate(context);
      } catch (error) {
        if (error instanceof BearerChallengeException) {
          await this.failures.recordFailure('bearer', client);
        }
        throw error;
      }
    } else if (this.reflector.getAllAndOverride<boolean>(BEARER_ONLY, targets)) {
      throw BearerChallengeException.missing();
    } else {
      const cookies = request.cookies as Record<string, string> | undefined;
      const principal = await this.sessions.authenticate(cookies?.[SESSION_COOKIE]);
      if (!principal) throw BearerChallengeException.missing();
      request.user = principal;
    }

    const principal = request.user as Principal;
    if (principal.tokenExpiresAt !== null) {
      // Lets clients and agents notice an expiring token before it stops working.
      context
        .switchToHttp()
        .getResponse<Response>()
        .setHeader('Token-Expiration', principal.tokenExpiresAt);
    }
    if (
      this.reflector.getAllAndOverride<boolean>(SESSION_ONLY, targets) &&
      principal.authMethod !== 'session'
    ) {
      throw new ForbiddenException('This needs a signed-in browser session; a token cannot do it');
    }
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, targets) && !principal.isAdmin) {
      throw new ForbiddenException('Only system administrators may do this');
    }
    if (
      this.reflector.getAllAndOverride<boolean>(AUDIT_ACCESS, targets) &&
      !principal.isAdmin &&
      !principal.isAuditor
    ) {
      throw new ForbiddenException('Only system administrators and auditors may do this');
    }
    return true;
  }
}

/** The client a failure is counted against: its address (behind proxies: see TRUST_PROXY). */
export function clientKey(request: Request): string {
  return request.ip ?? request.socket.remoteAddress ?? 'unknown';
}
