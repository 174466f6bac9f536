import { Injectable } from '@nestjs/common';
import type { RequestOrigin } from '@pat/tokens/domain';
import { TokenUsageRecorder } from '@pat/tokens/usage/token-usage-recorder';
import type { Request } from 'express';
import { Strategy, VerifyFunctionWithRequest } from 'passport-http-bearer';
import { AuthenticationOutcomes } from './authentication-outcomes';
import { REALM, describeRejection } from './bearer-challenge';
import { clientAddress } from './client-address';
import { requestIdOf } from './decorators';
import type { Principal } from './principal';
import { TokenAuthentication, TokenAuthenticator } from './token-authenticator';

/**
 * What the strategy gets to see of a request: the Authorization header, and where the request
 * came from for the usage trail (worked out only when a use is recorded). passport-http-bearer
 * also reads `access_token` from the query string and the body; tokens there end up in logs and
 * browser history, so it never sees them.
 */
interface HeaderOnlyRequest {
  readonly headers: { readonly authorization?: string };
  readonly source: Request;
}

type Verified = (error: unknown, user?: Principal | false, description?: string) => void;

/**
 * The Passport bearer strategy (passport-http-bearer) shared by REST and MCP; the global guard
 * runs it (see runStrategy). Its verify step is the token check against the read model.
 */
@Injectable()
export class BearerStrategy extends Strategy<VerifyFunctionWithRequest> {
  constructor(
    private readonly authenticator: TokenAuthenticator,
    private readonly usage: TokenUsageRecorder,
    private readonly outcomes: AuthenticationOutcomes,
  ) {
    // `this` does not exist until super() returns; the callback only runs after that.
    const strategy: { self?: BearerStrategy } = {};
    const verify: VerifyFunctionWithRequest = (request, token, done) =>
      strategy.self!.verify(request as unknown as HeaderOnlyRequest, token, done as Verified);
    super({ realm: REALM, passReqToCallback: true }, verify);
    strategy.self = this;
  }

  override authenticate(request: Request, options?: object): void {
    const headerOnly: HeaderOnlyRequest = {
      headers: { authorization: request.headers.authorization },
      source: request,
    };
    super.authenticate(headerOnly as unknown as Request, options);
  }

  /** The principal, or false and why so that the challenge says it (RFC 6750). */
  private verify(request: HeaderOnlyRequest, token: string, done: Verified): void {
    this.authenticator
      .authenticate(token)
      .then((result) => this.judge(result, request.source))
      // Exactly one call to done, whatever fails: a strategy that never answers hangs the request.
      .then(
        (judged) => done(null, judged.principal, judged.description),
        (error: unknown) => {
          this.outcomes.record('unavailable');
          done(error);
        },
      );
  }

  private judge(
    result: TokenAuthentication,
    source: Request,
  ): { principal: Principal | false; description?: string } {
    const context = (userId: string | null, tokenId: string) => ({
      actor: { userId, via: 'token' as const, tokenId },
      requestId: requestIdOf(source),
    });
    this.outcomes.record(result.ok ? 'ok' : result.reason);
    if (result.ok) {
      const { tokenId, userId } = result.token;
      this.usage.recordUse(
        result.token,
        () => originOf(source),
        () => context(userId, tokenId),
      );
      return { principal: result.principal };
    }
    if (result.token && result.reason !== 'invalid') {
      // A refused token still being tried is the auditors' signal of a leak.
      const tokenId = result.token.tokenId;
      this.usage.recordRejection(
        result.token,
        result.reason,
        () => originOf(source),
        () => context(null, tokenId),
      );
    }
    return { principal: false, description: describeRejection(result.reason) };
  }
}

function originOf(request: Request): RequestOrigin {
  return { ip: clientAddress(request), userAgent: request.headers['user-agent'] ?? null };
}
