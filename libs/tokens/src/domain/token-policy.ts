import { DomainEvent, eventOfTypes } from '@pat/shared/event';
import { invalid } from '@pat/shared/errors';
import { DAY_MS } from '@pat/shared/time';

/** The administrator's limit on token lifetimes (docs/design/contract.md §4). */
export interface TokenPolicy {
  readonly maxLifetimeDays: number;
}

export const TOKEN_POLICY_STREAM = 'token-policy';
export const DEFAULT_TOKEN_POLICY: TokenPolicy = { maxLifetimeDays: 365 };
export const MIN_LIFETIME_DAYS = 1;
export const MAX_LIFETIME_DAYS = 3650;
export const LIFETIME_PRESETS_DAYS = [7, 30, 60, 90, 180, 365] as const;

export type TokenPolicyChanged = DomainEvent<'TokenPolicyChanged', { maxLifetimeDays: number }>;
export type TokenPolicyEvent = TokenPolicyChanged;

const TOKEN_POLICY_EVENT_TYPES: ReadonlySet<string> = new Set<TokenPolicyEvent['type']>([
  'TokenPolicyChanged',
]);

/** A recorded event as a token-policy event (see eventOfTypes); null for any other type. */
export const asTokenPolicyEvent = (recorded: { readonly type: string; readonly data: unknown }) =>
  eventOfTypes<TokenPolicyEvent>(TOKEN_POLICY_EVENT_TYPES, recorded);

export function evolveTokenPolicy(_state: TokenPolicy, event: TokenPolicyEvent): TokenPolicy {
  switch (event.type) {
    case 'TokenPolicyChanged':
      return { maxLifetimeDays: event.data.maxLifetimeDays };
  }
}

export function decideChangeTokenPolicy(
  state: TokenPolicy,
  command: { maxLifetimeDays: number },
): TokenPolicyChanged[] {
  const days = command.maxLifetimeDays;
  if (!Number.isInteger(days) || days < MIN_LIFETIME_DAYS || days > MAX_LIFETIME_DAYS) {
    throw invalid(
      'maxLifetimeDays',
      `maxLifetimeDays must be an integer from ${MIN_LIFETIME_DAYS} to ${MAX_LIFETIME_DAYS}`,
    );
  }
  // Setting the policy to what it already is changes nothing and records nothing.
  if (days === state.maxLifetimeDays) return [];
  return [{ type: 'TokenPolicyChanged', data: { maxLifetimeDays: days } }];
}

export function lifetimePresets(policy: TokenPolicy): number[] {
  return LIFETIME_PRESETS_DAYS.filter((days) => days <= policy.maxLifetimeDays);
}

export interface EffectiveExpiry {
  readonly expiresAt: Date;
  readonly cappedByPolicy: boolean;
}

/** `min(expiresAt, createdAt + maxLifetimeDays)` under the policy given (the current one). */
export function effectiveExpiry(
  token: { readonly createdAt: string; readonly expiresAt: string },
  policy: TokenPolicy,
): EffectiveExpiry {
  const requested = Date.parse(token.expiresAt);
  const cap = Date.parse(token.createdAt) + policy.maxLifetimeDays * DAY_MS;
  return cap < requested
    ? { expiresAt: new Date(cap), cappedByPolicy: true }
    : { expiresAt: new Date(requested), cappedByPolicy: false };
}

export type TokenStatus = 'Active' | 'Expired' | 'Revoked';

export function tokenStatus(
  token: {
    readonly createdAt: string;
    readonly expiresAt: string;
    readonly revokedAt: string | null;
  },
  policy: TokenPolicy,
  now: Date,
): TokenStatus {
  if (token.revokedAt !== null) return 'Revoked';
  return statusGivenExpiry(
    false,
    effectiveExpiry(token, policy).expiresAt.getTime(),
    now.getTime(),
  );
}

/** tokenStatus with the effective expiry already worked out (the bearer check keeps it). */
export function statusGivenExpiry(
  revoked: boolean,
  expiresAtMs: number,
  nowMs: number,
): TokenStatus {
  if (revoked) return 'Revoked';
  return expiresAtMs <= nowMs ? 'Expired' : 'Active';
}
