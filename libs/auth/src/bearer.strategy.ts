import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-http-bearer';
import { REALM, describeRejection } from './bearer-challenge';
import type { Principal } from './principal';
import { TokenAuthenticator } from './token-authenticator';

/**
 * The Passport bearer strategy shared by REST and MCP. passport-http-bearer also reads
 * `access_token` from the query string and the body; tokens there would land in logs and
 * browser history, so this strategy only ever sees the Authorization header.
 */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly authenticator: TokenAuthenticator) {
    super({ realm: REALM });
  }

  override authenticate(request: Request, options?: object): void {
    const headerOnly = { headers: { authorization: request.headers.authorization } };
    super.authenticate(headerOnly as Request, options);
  }

  /** Returns the principal, or [false, description] so the challenge says why (RFC 6750). */
  async validate(token: string): Promise<Principal | [false, string]> {
    const result = await this.authenticator.authenticate(token);
    return result.ok ? result.principal : [false, describeRejection(result.reason)];
  }
}
