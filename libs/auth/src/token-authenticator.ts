import { Inject, Injectable } from '@nestjs/common';
import {
  TOKEN_QUERIES,
  TokenCredential,
  TokenPolicyRecord,
  TokenQueries,
  TokenRecord,
  UserRecord,
} from '@pat/read-model';
import { APP_CONFIG, AppConfig, CLOCK, Clock } from '@pat/shared';
import {
  DEFAULT_TOKEN_POLICY,
  effectiveExpiry,
  hashToken,
  isWellFormedToken,
  statusGivenExpiry,
} from '@pat/tokens';
import type { Principal } from '@pat/access';

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

/** What one version of a token, its owner and the policy add up to, but the clock. */
interface Reading {
  readonly owner: UserRecord | null;
  readonly policy: TokenPolicyRecord | null;
  readonly found: PresentedToken;
  /** The caller, if the token is in force; null when the owner is gone. */
  readonly principal: Principal | null;
  readonly revoked: boolean;
  /** The effective expiry (the policy may cap the requested one), epoch milliseconds. */
  readonly expiresAtMs: number;
}

/**
 * Checks a presented token: format and checksum first (no lookup for garbage), then one
 * read-model lookup by SHA-256 (token, owner and policy together), then the owner and the status
 * under the current policy and clock. Read-model failures propagate, so the caller fails closed.
 */
@Injectable()
export class TokenAuthenticator {
  /** Every listed prefix: the current one first, then earlier ones whose tokens still work. */
  private readonly prefixes: readonly string[];
  /**
   * Readings by token document. Adapters that cache documents return the same objects until a
   * document changes, so the principal is built once per version instead of once per request.
   */
  private readonly readings = new WeakMap<TokenRecord, Reading>();

  constructor(
    @Inject(TOKEN_QUERIES) private readonly tokenQueries: TokenQueries,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.prefixes = config.tokenPrefixes;
  }

  async authenticate(presented: string): Promise<TokenAuthentication> {
    const prefix = this.prefixOf(presented);
    if (prefix === null || !isWellFormedToken(prefix, presented)) {
      return { ok: false, reason: 'invalid', token: null };
    }
    const credential = await this.tokenQueries.findTokenCredential(hashToken(presented));
    if (!credential) return { ok: false, reason: 'invalid', token: null };
    const { found, principal, revoked, expiresAtMs } = this.read(credential);
    // A deleted user's tokens stop at once, before their revocation events are even written.
    if (!principal) return { ok: false, reason: 'revoked', token: found };
    const status = statusGivenExpiry(revoked, expiresAtMs, this.clock.now().getTime());
    if (status === 'Revoked') return { ok: false, reason: 'revoked', token: found };
    if (status === 'Expired') return { ok: false, reason: 'expired', token: found };
    return { ok: true, token: found, principal };
  }

  /**
   * On every request: a startsWith over a list of one or two, no pattern. Each prefix ends with
   * its only "_" (see config), so no listed prefix starts another and the first match is the one.
   */
  private prefixOf(presented: string): string | null {
    for (const prefix of this.prefixes) if (presented.startsWith(prefix)) return prefix;
    return null;
  }

  private read(credential: TokenCredential): Reading {
    const { token, owner, policy } = credential;
    const known = this.readings.get(token);
    if (known && known.owner === owner && known.policy === policy) return known;
    const expiresAt = effectiveExpiry(token, policy ?? DEFAULT_TOKEN_POLICY).expiresAt;
    const reading: Reading = {
      owner,
      policy,
      found: { tokenId: token.tokenId, userId: token.userId, lastUsedAt: token.lastUsedAt },
      principal:
        owner && owner.deletedAt === null
          ? Object.freeze({
              userId: owner.userId,
              username: owner.username,
              isAdmin: owner.isAdmin,
              isAuditor: owner.isAuditor,
              authMethod: 'token',
              tokenId: token.tokenId,
              tokenExpiresAt: expiresAt.toISOString(),
              sessionId: null,
              passwordChangeRequired: owner.passwordChangeRequired === true,
            })
          : null,
      revoked: token.revokedAt !== null,
      expiresAtMs: expiresAt.getTime(),
    };
    this.readings.set(token, reading);
    return reading;
  }
}
