import { HttpException } from '@nestjs/common';
import type { TokenRejection } from './token-authenticator';

export const REALM = 'api';

const DESCRIPTIONS: Record<TokenRejection, string> = {
  invalid: 'The access token is invalid',
  expired: 'The access token expired',
  revoked: 'The access token was revoked',
};

/** Why a bearer attempt failed, as the guard gets it from the strategy. */
export type BearerFailure =
  /** No bearer credentials (no token, or another scheme). */
  | { readonly kind: 'missing' }
  /** An Authorization header that is not `Bearer <token>`. */
  | { readonly kind: 'malformed' }
  | { readonly kind: 'rejected'; readonly reason: TokenRejection };

/**
 * A failed authentication, answered per RFC 6750 §3: the status, the WWW-Authenticate challenge,
 * and a JSON body with the same error code.
 */
export class BearerChallengeException extends HttpException {
  constructor(
    status: 400 | 401,
    readonly challenge: string,
    error: string,
    message: string,
  ) {
    super({ statusCode: status, error, message }, status);
  }

  /** The one place a bearer failure becomes its status and challenge. */
  static of(failure: BearerFailure): BearerChallengeException {
    if (failure.kind === 'rejected') return BearerChallengeException.rejected(failure.reason);
    if (failure.kind === 'malformed') return BearerChallengeException.invalidRequest();
    return BearerChallengeException.missing();
  }

  /** No credentials at all: a bare challenge, no error code (RFC 6750 §3.1). */
  static missing(): BearerChallengeException {
    return new BearerChallengeException(
      401,
      `Bearer realm="${REALM}"`,
      'unauthorized',
      'Authentication required: send a session cookie or an Authorization: Bearer token',
    );
  }

  static rejected(reason: TokenRejection): BearerChallengeException {
    const description = DESCRIPTIONS[reason];
    return new BearerChallengeException(
      401,
      `Bearer realm="${REALM}", error="invalid_token", error_description="${description}"`,
      'invalid_token',
      description,
    );
  }

  static invalidRequest(): BearerChallengeException {
    // RFC 6750 §3: no double quotes or backslashes inside error_description.
    const description = 'The Authorization header must be: Bearer <token>';
    return new BearerChallengeException(
      400,
      `Bearer realm="${REALM}", error="invalid_request", error_description="${description}"`,
      'invalid_request',
      description,
    );
  }
}
