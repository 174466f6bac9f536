import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { StoreHealth } from '@pat/application';
import type { Request, Response } from 'express';
import { BearerChallengeException } from './bearer-challenge';
import { BearerStrategy } from './bearer.strategy';
import {
  ADMIN_ONLY,
  ALLOWED_BEFORE_PASSWORD_CHANGE,
  AUDIT_ACCESS,
  BEARER_ONLY,
  CREDENTIAL_CHANGE,
  IS_PUBLIC,
  SESSION_ONLY,
} from '@pat/access';
import type { Principal } from '@pat/access';
import { FailureLimiter } from './rate-limit/failure-limiter';
import { clientKey } from './client-address';
import { SESSION_COOKIE, SessionService } from './session/session.service';

export const TOKEN_CANNOT_WIDEN =
  'A token cannot create or widen a credential: sign in to the web UI to do this';

/**
 * The answer the web UI recognises to ask for the password and retry (docs/design/contract.md §10).
 */
export const REAUTHENTICATION_REQUIRED = {
  statusCode: 403,
  error: 'reauthentication_required',
  message: 'Confirm your password (POST /api/v1/session/confirm) to do this',
} as const;

/** The answer while the user still has a one-time password; the web UI asks for a new one. */
export const PASSWORD_CHANGE_REQUIRED = {
  statusCode: 403,
  error: 'password_change_required',
  message: 'Set a new password first (PUT /api/v1/me/password)',
} as const;

/**
 * The global guard: every route needs a caller unless marked @Public(). A request with an
 * Authorization header is judged by the bearer strategy alone (a cookie does not rescue a bad
 * token); otherwise the session cookie. Then the route's @SessionOnly(), @CredentialChange()
 * and @AdminOnly().
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly bearer: BearerStrategy,
    private readonly sessions: SessionService,
    private readonly failures: FailureLimiter,
    private readonly stores: StoreHealth,
  ) {}

  /** Each route's decorators, read once per route (controller class, then handler). */
  private readonly rulesByRoute = new WeakMap<object, WeakMap<object, RouteRules>>();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rules = this.rulesOf(context);
    if (rules.isPublic) return true;
    const request = context.switchToHttp().getRequest<Request>();
    // Fail closed: no credential is honoured while a store is unreachable or behind.
    const epoch = this.stores.assertAvailable();

    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      try {
        // Present but empty is malformed, not absent (passport-http-bearer would ignore it); so
        // are two headers (Node keeps only the first, which may not be the one a proxy checked).
        if (authorization.trim() === '' || authorizationHeaderCount(request) > 1) {
          throw BearerChallengeException.invalidRequest();
        }
        const result = await this.bearer.authenticateRequest(request);
        if (result.kind === 'unavailable') {
          throw result.error instanceof Error
            ? result.error
            : new Error('Bearer authentication failed');
        }
        // 400 for a malformed header, 401 with why for a bad token (RFC 6750); the stock
        // @nestjs/passport guard would answer them all with a bare 401.
        if (result.kind !== 'accepted') throw BearerChallengeException.of(result);
        request.user = result.principal;
        // Again after the read: the read model may have fallen behind while it answered.
        this.stores.assertStillAvailable(epoch);
      } catch (error) {
        if (error instanceof BearerChallengeException) {
          // Only failed attempts are limited: a valid token always authenticates, however many
          // bad ones its address sent (178 random bits make guessing pointless anyway).
          const client = clientKey(request);
          this.failures.assertAllowed('bearer', client);
          await this.failures.recordFailure('bearer', client);
        }
        throw error;
      }
    } else if (rules.bearerOnly) {
      throw BearerChallengeException.missing();
    } else {
      const cookies = request.cookies as Record<string, string> | undefined;
      const principal = await this.sessions.authenticate(cookies?.[SESSION_COOKIE]);
      if (!principal) throw BearerChallengeException.missing();
      request.user = principal;
    }

    const principal = request.user as Principal;
    // First, before any role check: a one-time password opens nothing but its own replacement.
    // Tokens too (none can be made before the change, but a reset may leave older ones).
    if (principal.passwordChangeRequired === true && !rules.allowedBeforePasswordChange) {
      throw new ForbiddenException(PASSWORD_CHANGE_REQUIRED);
    }
    if (principal.tokenExpiresAt !== null) {
      // Lets clients and agents notice an expiring token before it stops working.
      context
        .switchToHttp()
        .getResponse<Response>()
        .setHeader('Token-Expiration', principal.tokenExpiresAt);
    }
    if (rules.credentialChange && principal.authMethod !== 'session') {
      throw new ForbiddenException(TOKEN_CANNOT_WIDEN);
    }
    if (rules.sessionOnly && principal.authMethod !== 'session') {
      throw new ForbiddenException('This needs a signed-in browser session; a token cannot do it');
    }
    if (rules.adminOnly && !principal.isAdmin) {
      throw new ForbiddenException('Only system administrators may do this');
    }
    if (rules.auditAccess && !principal.isAdmin && !principal.isAuditor) {
      throw new ForbiddenException('Only system administrators and auditors may do this');
    }
    // After the role checks: a caller who may not do this at all is told so, not asked for a
    // password.
    if (rules.credentialChange && !this.sessions.isRecentlyProven(principal)) {
      throw new ForbiddenException(REAUTHENTICATION_REQUIRED);
    }
    return true;
  }

  private rulesOf(context: ExecutionContext): RouteRules {
    const controller = context.getClass();
    const handler = context.getHandler();
    let rulesOfController = this.rulesByRoute.get(controller);
    if (!rulesOfController) {
      rulesOfController = new WeakMap();
      this.rulesByRoute.set(controller, rulesOfController);
    }
    let rules = rulesOfController.get(handler);
    if (!rules) {
      const flag = (key: string) =>
        this.reflector.getAllAndOverride<boolean>(key, [handler, controller]) === true;
      rules = {
        isPublic: flag(IS_PUBLIC),
        bearerOnly: flag(BEARER_ONLY),
        sessionOnly: flag(SESSION_ONLY),
        adminOnly: flag(ADMIN_ONLY),
        auditAccess: flag(AUDIT_ACCESS),
        credentialChange: flag(CREDENTIAL_CHANGE),
        allowedBeforePasswordChange: flag(ALLOWED_BEFORE_PASSWORD_CHANGE),
      };
      rulesOfController.set(handler, rules);
    }
    return rules;
  }
}

/** How many Authorization headers the request carried (Node folds duplicates into the first). */
function authorizationHeaderCount(request: Request): number {
  let count = 0;
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === 13 && raw[i].toLowerCase() === 'authorization') count++;
  }
  return count;
}

interface RouteRules {
  readonly isPublic: boolean;
  readonly bearerOnly: boolean;
  readonly sessionOnly: boolean;
  readonly adminOnly: boolean;
  readonly auditAccess: boolean;
  readonly credentialChange: boolean;
  readonly allowedBeforePasswordChange: boolean;
}
