import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { TokenUsageRecorder } from '@pat/tokens/usage/token-usage-recorder';
import type { Request } from 'express';
import { Strategy } from 'passport-http-bearer';
import { REALM, describeRejection } from './bearer-challenge';
import { requestIdOf } from './decorators';
import type { Principal } from './principal';
import { TokenAuthenticator } from './token-authenticator';

/**
 * What the strategy gets to see of a request: the Authorization header, and where the request
 * came from for the usage trail. passport-http-bearer also reads `access_token` from the query
 * string and the body; tokens there end up in logs and browser history, so it never sees them.
 */
interface HeaderOnlyRequest {
  readonly headers: { readonly authorization?: string };
  readonly origin: { readonly ip: string | null; readonly userAgent: string | null };
  readonly requestId: string | null;
}

/** The Passport bearer strategy shared by REST and MCP. */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(
    private readonly authenticator: TokenAuthenticator,
    private readonly usage: TokenUsageRecorder,
  ) {
    super({ realm: REALM, passReqToCallback: true });
  }

  override authenticate(request: Request, options?: object): void {
    const userAgent = request.headers['user-agent'];
    const headerOnly: HeaderOnlyRequest = {
      headers: { authorization: request.headers.authorization },
      origin: { ip: request.ip ?? null, userAgent: userAgent ?? null },
      requestId: requestIdOf(request),
    };
    super.authenticate(headerOnly as unknown as Request, options);
  }

  /** Returns the principal, or [false, description] so the challenge says why (RFC 6750). */
  async validate(request: HeaderOnlyRequest, token: string): Promise<Principal | [false, string]> {
    const result = await this.authenticator.authenticate(token);
    if (result.ok) {
      this.usage.recordUse(result.token, request.origin, {
        actor: { userId: result.token.userId, via: 'token', tokenId: result.token.tokenId },
        requestId: request.requestId,
      });
      return result.principal;
    }
    if (result.token && result.reason !== 'invalid') {
      // A refused token still being tried is the auditors' signal of a leak.
      this.usage.recordRejection(result.token.tokenId, result.reason, request.origin, {
        actor: { userId: null, via: 'token', tokenId: result.token.tokenId },
        requestId: request.requestId,
      });
    }
    return [false, describeRejection(result.reason)];
  }
}
