import { Inject, Injectable } from '@nestjs/common';
import { READ_MODEL, ReadModel } from '@pat/read-model';
import { APP_CONFIG, AppConfig, CLOCK, Clock } from '@pat/shared';
import {
  DEFAULT_TOKEN_POLICY,
  effectiveExpiry,
  hashToken,
  isWellFormedToken,
  tokenStatus,
} from '@pat/tokens/domain';
import type { Principal } from './principal';

export type TokenRejection = 'invalid' | 'expired' | 'revoked';

/** The token that was found, when one was: what the usage trail needs. */
export interface PresentedToken {
  readonly tokenId: string;
  readonly userId: string;
  readonly lastUsedAt: string | null;
}

export type TokenAuthentication =
  | { readonly ok: true; readonly principal: Principal; readonly token: PresentedToken }
  | {
      readonly ok: false;
      readonly reason: TokenRejection;
      readonly token: PresentedToken | null;
    };

/**
 * Checks a presented token: format and checksum first (no lookup for garbage), then the SHA-256
 * lookup, the owner and the status under the current policy and clock. Read-model failures
 * propagate, so the caller fails closed.
 */
@Injectable()
export class TokenAuthenticator {
  private readonly prefix: string;

  constructor(
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.prefix = config.tokenPrefix;
  }

  async authenticate(presented: string): Promise<TokenAuthentication> {
    if (!isWellFormedToken(this.prefix, presented)) {
      return { ok: false, reason: 'invalid', token: null };
    }
    const token = await this.readModel.findTokenByHash(hashToken(presented));
    if (!token) return { ok: false, reason: 'invalid', token: null };
    const found: PresentedToken = {
      tokenId: token.tokenId,
      userId: token.userId,
      lastUsedAt: token.lastUsedAt,
    };
    const [user, policyRecord] = await Promise.all([
      this.readModel.findUserById(token.userId),
      this.readModel.getTokenPolicy(),
    ]);
    // A deleted user's tokens stop at once, before their revocation events are even written.
    if (!user || user.deletedAt !== null) {
      return { ok: false, reason: 'revoked', token: found };
    }
    const policy = policyRecord ?? DEFAULT_TOKEN_POLICY;
    const status = tokenStatus(token, policy, this.clock.now());
    if (status === 'Revoked') return { ok: false, reason: 'revoked', token: found };
    if (status === 'Expired') return { ok: false, reason: 'expired', token: found };
    return {
      ok: true,
      token: found,
      principal: {
        userId: user.userId,
        username: user.username,
        isAdmin: user.isAdmin,
        isAuditor: user.isAuditor,
        authMethod: 'token',
        tokenId: token.tokenId,
        tokenExpiresAt: effectiveExpiry(token, policy).expiresAt.toISOString(),
        sessionId: null,
      },
    };
  }
}
