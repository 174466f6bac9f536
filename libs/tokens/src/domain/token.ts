import { DomainEvent, eventOfTypes } from '@pat/shared/event';
import { conflict, invalid, notFound } from '@pat/shared/errors';
import { DAY_MS } from '@pat/shared/time';
import { TokenPolicy } from './token-policy';

/** The token's decision stream: what decides (created, revoked). Short by design. */
export const tokenStream = (tokenId: string) => `token-${tokenId}`;
/**
 * The token's usage trail (TokenUsed, TokenRejected): high-frequency telemetry kept out of the
 * decision stream, so commands read a handful of events however much the token is used. Logs
 * written before 0.11.0 hold usage events in the decision stream too; they still project and
 * replay as before (docs/adr/0002).
 */
export const tokenUsageStream = (tokenId: string) => `token_usage-${tokenId}`;
export const NAME_MAX_LENGTH = 100;

export interface TokenCreatedData {
  readonly tokenId: string;
  readonly userId: string;
  readonly name: string;
  readonly tokenHash: string;
  readonly tokenHint: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export type RevocationReason = 'user' | 'admin' | 'user_deleted';

export interface TokenRevokedData {
  readonly tokenId: string;
  readonly userId: string;
  readonly revokedAt: string;
  readonly reason: RevocationReason;
}

/** Where a request came from, as recorded with usage (no credentials, ever). */
export interface RequestOrigin {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export interface TokenUsedData extends RequestOrigin {
  readonly tokenId: string;
  readonly userId: string;
  readonly usedAt: string;
}

export type RejectionReason = 'expired' | 'revoked';

export interface TokenRejectedData extends RequestOrigin {
  readonly tokenId: string;
  readonly userId: string;
  readonly rejectedAt: string;
  readonly reason: RejectionReason;
}

export type TokenCreated = DomainEvent<'TokenCreated', TokenCreatedData>;
export type TokenRevoked = DomainEvent<'TokenRevoked', TokenRevokedData>;
/** The token authenticated a request (recorded at most once per interval). */
export type TokenUsed = DomainEvent<'TokenUsed', TokenUsedData>;
/** Someone presented the token after it expired or was revoked (at most once per interval). */
export type TokenRejected = DomainEvent<'TokenRejected', TokenRejectedData>;
export type TokenEvent = TokenCreated | TokenRevoked | TokenUsed | TokenRejected;

const TOKEN_EVENT_TYPES: ReadonlySet<string> = new Set<TokenEvent['type']>([
  'TokenCreated',
  'TokenRevoked',
  'TokenUsed',
  'TokenRejected',
]);

/** A recorded event as a token event (see eventOfTypes); null for any other type. */
export const asTokenEvent = (recorded: { readonly type: string; readonly data: unknown }) =>
  eventOfTypes<TokenEvent>(TOKEN_EVENT_TYPES, recorded);

export type TokenState =
  | { readonly exists: false }
  | {
      readonly exists: true;
      readonly tokenId: string;
      readonly userId: string;
      readonly createdAt: string;
      readonly expiresAt: string;
      readonly revokedAt: string | null;
    };

export const initialTokenState: TokenState = { exists: false };

export function evolveToken(state: TokenState, event: TokenEvent): TokenState {
  switch (event.type) {
    case 'TokenCreated': {
      const { tokenId, userId, createdAt, expiresAt } = event.data;
      return { exists: true, tokenId, userId, createdAt, expiresAt, revokedAt: null };
    }
    case 'TokenRevoked':
      return state.exists ? { ...state, revokedAt: event.data.revokedAt } : state;
    case 'TokenUsed':
    case 'TokenRejected':
      // The usage trail changes no decision (found here only in logs written before 0.11.0).
      return state;
  }
}

/** The lifetime asked for: exactly one of a number of days or an instant. */
export type RequestedLifetime = { readonly expiresInDays: number } | { readonly expiresAt: string };

export interface CreateToken {
  readonly tokenId: string;
  readonly userId: string;
  readonly name: string;
  readonly lifetime: RequestedLifetime;
  /** Computed outside: the secret itself never enters the domain. */
  readonly tokenHash: string;
  readonly tokenHint: string;
}

/**
 * The user's active tokens at the command's instant, and the most allowed
 * (docs/design/contract.md §10).
 */
export interface ActiveTokenLimit {
  readonly active: number;
  readonly max: number;
}

/** Refuses one more token when the user already has the most allowed active at once. */
export function checkActiveTokenLimit(limit: ActiveTokenLimit): void {
  if (limit.active >= limit.max) {
    throw conflict(
      `You already have ${limit.active} active tokens, the most allowed is ${limit.max} ` +
        '(MAX_ACTIVE_TOKENS_PER_USER); revoke one first',
    );
  }
}

export function decideCreateToken(
  state: TokenState,
  command: CreateToken,
  context: {
    readonly now: Date;
    readonly policy: TokenPolicy;
    /** Counted under the same clock and policy; left out only where no limit applies (tests). */
    readonly activeTokens?: ActiveTokenLimit;
  },
): TokenCreated[] {
  if (state.exists) throw conflict(`Token ${command.tokenId} already exists`);
  const name = command.name.trim();
  if (name.length === 0) throw invalid('name', 'name must not be empty');
  if (name.length > NAME_MAX_LENGTH) {
    throw invalid('name', `name must be at most ${NAME_MAX_LENGTH} characters`);
  }
  const max = context.policy.maxLifetimeDays;
  const expiresAt = requestedExpiry(command.lifetime, context.now, max);
  // After the checks of the request itself: a bad request is told what is wrong with it first.
  if (context.activeTokens) checkActiveTokenLimit(context.activeTokens);
  return [
    {
      type: 'TokenCreated',
      data: {
        tokenId: command.tokenId,
        userId: command.userId,
        name,
        tokenHash: command.tokenHash,
        tokenHint: command.tokenHint,
        createdAt: context.now.toISOString(),
        expiresAt: expiresAt.toISOString(),
      },
    },
  ];
}

function requestedExpiry(lifetime: RequestedLifetime, now: Date, maxDays: number): Date {
  const tooLong = (field: string) =>
    `${field} must not exceed the maximum lifetime of ${maxDays} days`;
  if ('expiresInDays' in lifetime) {
    const days = lifetime.expiresInDays;
    if (!Number.isInteger(days) || days < 1) {
      throw invalid('expiresInDays', 'expiresInDays must be a whole number of days, at least 1');
    }
    if (days > maxDays) throw invalid('expiresInDays', tooLong('expiresInDays'));
    return new Date(now.getTime() + days * DAY_MS);
  }
  const at = Date.parse(lifetime.expiresAt);
  if (Number.isNaN(at)) throw invalid('expiresAt', 'expiresAt must be an ISO 8601 date');
  if (at <= now.getTime()) throw invalid('expiresAt', 'expiresAt must be in the future');
  if (at - now.getTime() > maxDays * DAY_MS) throw invalid('expiresAt', tooLong('expiresAt'));
  return new Date(at);
}

export interface RevokeToken {
  readonly tokenId: string;
  /** The user on whose behalf the token is revoked; null for an administrator or the system. */
  readonly ownerId: string | null;
  readonly reason: RevocationReason;
}

export function decideRevokeToken(
  state: TokenState,
  command: RevokeToken,
  context: { readonly now: Date },
): TokenRevoked[] {
  // Someone else's token is as invisible as a missing one.
  if (!state.exists || (command.ownerId !== null && state.userId !== command.ownerId)) {
    throw notFound('Token not found');
  }
  if (state.revokedAt !== null) throw conflict(`Token ${command.tokenId} is already revoked`);
  return [
    {
      type: 'TokenRevoked',
      data: {
        tokenId: state.tokenId,
        userId: state.userId,
        revokedAt: context.now.toISOString(),
        reason: command.reason,
      },
    },
  ];
}

const MAX_USER_AGENT_LENGTH = 256;

function origin(from: RequestOrigin): RequestOrigin {
  return {
    ip: from.ip,
    userAgent: from.userAgent === null ? null : from.userAgent.slice(0, MAX_USER_AGENT_LENGTH),
  };
}

/** The token a usage record is about: known to the caller, which has just checked it. */
export interface UsedToken {
  readonly tokenId: string;
  readonly userId: string;
}

/**
 * A use of the token. Telemetry, not a decision: it is appended to the token's usage stream
 * without reading anything (see tokenUsageStream), so it needs no state.
 */
export function recordTokenUse(
  token: UsedToken,
  command: RequestOrigin & { readonly usedAt: Date },
): TokenUsed {
  return {
    type: 'TokenUsed',
    data: {
      tokenId: token.tokenId,
      userId: token.userId,
      usedAt: command.usedAt.toISOString(),
      ...origin(command),
    },
  };
}

/** The token was presented after it expired or was revoked (the leak signal). */
export function recordTokenRejection(
  token: UsedToken,
  command: RequestOrigin & { readonly rejectedAt: Date; readonly reason: RejectionReason },
): TokenRejected {
  return {
    type: 'TokenRejected',
    data: {
      tokenId: token.tokenId,
      userId: token.userId,
      rejectedAt: command.rejectedAt.toISOString(),
      reason: command.reason,
      ...origin(command),
    },
  };
}
