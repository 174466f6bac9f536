import { Inject, Injectable, Logger } from '@nestjs/common';
import type { RequestOrigin } from '@pat/tokens';
import { USAGE_SINK, type UsageSink } from '@pat/tokens';
import type { Request } from 'express';
import passport from 'passport';
import { Strategy, VerifyFunctionWithRequest } from 'passport-http-bearer';
import { AuthenticationOutcomes } from './authentication-outcomes';
import { BearerFailure, REALM } from './bearer-challenge';
import { clientAddress } from './client-address';
import { requestIdOf } from '@pat/access';
import type { Principal } from '@pat/access';
import { TokenAuthentication, TokenAuthenticator, TokenRejection } from './token-authenticator';

/** What a bearer check comes to, for the guard: nothing to parse out of a challenge. */
export type BearerResult =
  | { readonly kind: 'accepted'; readonly principal: Principal }
  | BearerFailure
  | { readonly kind: 'unavailable'; readonly error: unknown };

/**
 * What passport and the strategy get to see of a request: the Authorization header, and where
 * the request came from for the usage trail (worked out only when a use is recorded).
 * passport-http-bearer also reads `access_token` from the query string and the body; tokens there
 * end up in logs and browser history, so it never sees them. Passport also hangs its `logIn`
 * and the like on this object (unused: with a custom callback it logs nobody in), not on the
 * Express request.
 */
interface BearerRequest {
  readonly headers: { readonly authorization?: string };
  readonly source: Request;
  /** Why verify refused the token: passport hands the callback only a challenge string. */
  rejection: TokenRejection | null;
  /** What verify accepted for this request: the callback's user must be this very object. */
  verified: Principal | null;
  readonly settle: (result: BearerResult) => void;
}

type Verified = (error: unknown, user?: Principal | false) => void;
type Middleware = (
  request: BearerRequest,
  response: unknown,
  next: (error?: unknown) => void,
) => void;

const NAME = 'bearer';

/**
 * The Passport bearer strategy (passport-http-bearer) shared by REST and MCP, and the Passport
 * that runs it: an Authenticator of its own (not the global one) with this strategy as
 * 'bearer', and its `authenticate()` middleware built once, with a custom callback and no
 * session. The verify step is the token check against the read model.
 */
@Injectable()
export class BearerStrategy extends Strategy<VerifyFunctionWithRequest> {
  private readonly middleware: Middleware;
  /**
   * The request passport is answering. The callback is built once and shared, so it cannot
   * close over a request; but passport calls it synchronously from within the call that entered
   * it: the middleware (no token, a malformed header: passport-http-bearer fails at once) or
   * verify's `done`. Each of those two sets this around its call.
   */
  private readonly logger = new Logger(BearerStrategy.name);
  private answering: BearerRequest | null = null;

  constructor(
    private readonly authenticator: TokenAuthenticator,
    @Inject(USAGE_SINK) private readonly usage: UsageSink,
    private readonly outcomes: AuthenticationOutcomes,
  ) {
    // `this` does not exist until super() returns; the callback only runs after that.
    const strategy: { self?: BearerStrategy } = {};
    const verify: VerifyFunctionWithRequest = (request, token, done) =>
      strategy.self!.verify(request as unknown as BearerRequest, token, done as Verified);
    super({ realm: REALM, passReqToCallback: true }, verify);
    strategy.self = this;
    const framework = new passport.Authenticator().use(NAME, this);
    this.middleware = framework.authenticate(
      NAME,
      { session: false },
      (error: unknown, user?: Principal | false, _challenge?: unknown, status?: number) =>
        this.answered(error, user, status),
    ) as Middleware;
  }

  /** Runs the strategy on one request through passport. */
  authenticateRequest(source: Request): Promise<BearerResult> {
    return new Promise((settle) => {
      const request: BearerRequest = {
        headers: { authorization: source.headers.authorization },
        source,
        rejection: null,
        verified: null,
        settle,
      };
      try {
        // pass() (never called by this strategy) would be next(): nobody authenticated.
        this.answeringFor(request, () =>
          this.middleware(request, source.res, (error) => this.answered(error, false)),
        );
      } catch (error) {
        settle({ kind: 'unavailable', error });
      }
    });
  }

  private answeringFor(request: BearerRequest, call: () => void): void {
    const outer = this.answering;
    this.answering = request;
    try {
      call();
    } finally {
      this.answering = outer;
    }
  }

  /** Passport's custom callback, for success, fail(challenge, status) and error alike. */
  private answered(error: unknown, user?: Principal | false, status?: number): void {
    const request = this.answering;
    // passport 0.7 answers synchronously inside the calls answeringFor wraps; should that ever
    // change, no request may get another's principal: unattributable answers are dropped (the
    // request then ends at its deadline, 503) and a principal that is not this request's refused.
    if (!request) {
      this.logger.error('passport answered outside a bearer check; answer dropped');
      return;
    }
    if (error) request.settle({ kind: 'unavailable', error });
    else if (user && user !== request.verified) {
      request.settle({
        kind: 'unavailable',
        error: new Error('passport answered another request'),
      });
    } else if (user) request.settle({ kind: 'accepted', principal: user });
    else if (request.rejection) request.settle({ kind: 'rejected', reason: request.rejection });
    // passport-http-bearer fails with 400 for a header that is not two words, otherwise 401.
    else request.settle({ kind: status === 400 ? 'malformed' : 'missing' });
  }

  /** The principal, or false with the reason left on the request. */
  private verify(request: BearerRequest, token: string, done: Verified): void {
    this.authenticator
      .authenticate(token)
      .then((result) => this.judge(result, request))
      // Exactly one call to done, whatever fails: a strategy that never answers hangs the request.
      .then(
        (principal) => {
          request.verified = principal || null;
          this.answeringFor(request, () => done(null, principal));
        },
        (error: unknown) => {
          this.outcomes.record('unavailable');
          this.answeringFor(request, () => done(error));
        },
      );
  }

  private judge(result: TokenAuthentication, request: BearerRequest): Principal | false {
    const source = request.source;
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
      return result.principal;
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
    request.rejection = result.reason;
    return false;
  }
}

function originOf(request: Request): RequestOrigin {
  return { ip: clientAddress(request), userAgent: request.headers['user-agent'] ?? null };
}
