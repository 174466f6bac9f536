import { DEFAULT_TOKEN_POLICY, TokenPolicy, TokenPolicyEvent, TokenStatus } from './token-policy';
import { effectiveExpiry, evolveTokenPolicy, tokenStatus } from './token-policy';
import { TokenEvent, TokenState, evolveToken, initialTokenState } from './token';

/**
 * Point-in-time answers for auditors: the state of tokens as of an instant, computed by replaying
 * the recorded events up to that instant through the same `evolve` functions and with the policy
 * that was in force then — not by a second implementation of the rules.
 */

/** An event as recorded, with the instant it occurred (its metadata's `occurredAt`). */
export interface TimedEvent {
  readonly streamName: string;
  readonly type: string;
  readonly data: unknown;
  readonly occurredAt: string;
}

export interface TokenStatusAt {
  readonly tokenId: string;
  readonly userId: string;
  readonly name: string;
  readonly existed: true;
  readonly status: TokenStatus;
  readonly createdAt: string;
  readonly effectiveExpiresAt: string;
  readonly cappedByPolicy: boolean;
  readonly revokedAt: string | null;
  readonly maxLifetimeDays: number;
}

export type PointInTimeAnswer =
  TokenStatusAt | { readonly tokenId: string; readonly existed: false };

interface Replay {
  policy: TokenPolicy;
  tokens: Map<string, { state: TokenState; name: string }>;
  deletedUsers: Map<string, string>;
}

/** Folds every event that occurred at or before `at`, in log order. */
function replay(events: Iterable<TimedEvent>, at: Date): Replay {
  const result: Replay = {
    policy: DEFAULT_TOKEN_POLICY,
    tokens: new Map(),
    deletedUsers: new Map(),
  };
  const limit = at.getTime();
  for (const event of events) {
    if (Date.parse(event.occurredAt) > limit) continue;
    if (event.type === 'TokenPolicyChanged' && event.streamName === 'token-policy') {
      result.policy = evolveTokenPolicy(result.policy, event as unknown as TokenPolicyEvent);
    } else if (event.type === 'UserDeleted') {
      const { userId } = event.data as { userId: string };
      result.deletedUsers.set(userId, event.occurredAt);
    } else if (event.streamName.startsWith('token-') && event.streamName !== 'token-policy') {
      const tokenId = event.streamName.slice('token-'.length);
      const current = result.tokens.get(tokenId) ?? { state: initialTokenState, name: '' };
      const state = evolveToken(current.state, event as unknown as TokenEvent);
      const name =
        event.type === 'TokenCreated' ? (event.data as { name: string }).name : current.name;
      result.tokens.set(tokenId, { state, name });
    }
  }
  return result;
}

function answer(replayed: Replay, tokenId: string, at: Date): PointInTimeAnswer {
  const token = replayed.tokens.get(tokenId);
  if (!token || !token.state.exists) return { tokenId, existed: false };
  const { state } = token;
  // Deleting the owner ends the token at that instant, even before its TokenRevoked is written.
  const ownerDeletedAt = replayed.deletedUsers.get(state.userId) ?? null;
  const revokedAt = state.revokedAt ?? ownerDeletedAt;
  const record = { createdAt: state.createdAt, expiresAt: state.expiresAt, revokedAt };
  const effective = effectiveExpiry(record, replayed.policy);
  return {
    tokenId,
    userId: state.userId,
    name: token.name,
    existed: true,
    status: tokenStatus(record, replayed.policy, at),
    createdAt: state.createdAt,
    effectiveExpiresAt: effective.expiresAt.toISOString(),
    cappedByPolicy: effective.cappedByPolicy,
    revokedAt,
    maxLifetimeDays: replayed.policy.maxLifetimeDays,
  };
}

/**
 * The policy in force at `at`: the last change, in log order, that occurred at or before it —
 * exactly what `replay` folds. Needs only the policy stream's events.
 */
export function policyInForceAt(policyEvents: Iterable<TimedEvent>, at: Date): TokenPolicy {
  let policy = DEFAULT_TOKEN_POLICY;
  const limit = at.getTime();
  for (const event of policyEvents) {
    if (Date.parse(event.occurredAt) > limit) continue;
    if (event.type === 'TokenPolicyChanged' && event.streamName === 'token-policy') {
      policy = evolveTokenPolicy(policy, event as unknown as TokenPolicyEvent);
    }
  }
  return policy;
}

/** One token's status as of `at`, from its events, its owner's and the policy's. */
export function tokenStatusAt(
  events: Iterable<TimedEvent>,
  tokenId: string,
  at: Date,
): PointInTimeAnswer {
  return answer(replay(events, at), tokenId, at);
}

/** Every token (of one user, or of all) that could authenticate at `at`. */
export function tokensActiveAt(
  events: Iterable<TimedEvent>,
  at: Date,
  userId: string | null = null,
): TokenStatusAt[] {
  const replayed = replay(events, at);
  const active: TokenStatusAt[] = [];
  for (const tokenId of replayed.tokens.keys()) {
    const result = answer(replayed, tokenId, at);
    if (!result.existed || result.status !== 'Active') continue;
    if (userId !== null && result.userId !== userId) continue;
    active.push(result);
  }
  return active.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}
