import { DomainError } from '@pat/shared/errors';
import { DeciderSpec } from '@pat/shared/testing/decider-spec';
import { DAY_MS } from '@pat/shared/time';
import {
  CreateToken,
  TokenCreated,
  TokenRevoked,
  TokenState,
  decideCreateToken,
  decideRevokeToken,
  evolveToken,
  initialTokenState,
} from './token';
import {
  DEFAULT_TOKEN_POLICY,
  decideChangeTokenPolicy,
  effectiveExpiry,
  evolveTokenPolicy,
  lifetimePresets,
  tokenStatus,
} from './token-policy';

const now = new Date('2026-01-01T00:00:00.000Z');
const create = (lifetime: CreateToken['lifetime'], name = 'ci'): CreateToken => ({
  tokenId: 't1',
  userId: 'u1',
  name,
  lifetime,
  tokenHash: 'h'.repeat(64),
  tokenHint: 'tgp_…abcd',
});
const createdFor = (expiresAt: string): TokenCreated => ({
  type: 'TokenCreated',
  data: {
    tokenId: 't1',
    userId: 'u1',
    name: 'ci',
    tokenHash: 'h'.repeat(64),
    tokenHint: 'tgp_…abcd',
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt,
  },
});
/** What create({ expiresInDays: 1 }) records at `now`. */
const created = createdFor('2026-01-02T00:00:00.000Z');
const revokedByOwner: TokenRevoked = {
  type: 'TokenRevoked',
  data: { tokenId: 't1', userId: 'u1', revokedAt: '2026-01-01T00:00:00.000Z', reason: 'user' },
};
const tokenSpec = DeciderSpec.for({ evolve: evolveToken, initialState: initialTokenState });

describe('token decisions', () => {
  const policy = DEFAULT_TOKEN_POLICY;
  const creating = (command: CreateToken, context = { now, policy }) =>
    tokenSpec.when((state) => decideCreateToken(state, command, context));

  it('creates a token expiring after the requested days, with the clock given', () => {
    creating(create({ expiresInDays: 30 })).then([createdFor('2026-01-31T00:00:00.000Z')]);
  });

  it('accepts an instant within the maximum and refuses one beyond it or in the past', () => {
    creating(create({ expiresAt: '2026-12-31T00:00:00.000Z' })).thenMatches([
      { data: { expiresAt: '2026-12-31T00:00:00.000Z' } },
    ]);
    creating(create({ expiresAt: '2027-01-02T00:00:00Z' })).thenThrows({
      kind: 'invalid',
      field: 'expiresAt',
    });
    creating(create({ expiresAt: '2025-12-31T00:00:00Z' })).thenThrows({
      kind: 'invalid',
      field: 'expiresAt',
    });
  });

  it('refuses lifetimes over the policy, blank names and a second creation', () => {
    const small = { maxLifetimeDays: 30 };
    creating(create({ expiresInDays: 31 }), { now, policy: small }).thenThrows({
      kind: 'invalid',
      field: 'expiresInDays',
    });
    creating(create({ expiresInDays: 1 }, '  ')).thenThrows({ kind: 'invalid', field: 'name' });
    creating(create({ expiresInDays: 1 })).then([created]);
    tokenSpec
      .given([created])
      .when((state) => decideCreateToken(state, create({ expiresInDays: 1 }), { now, policy }))
      .thenThrows({ kind: 'conflict', field: undefined });
  });

  it('revokes once: a second revoke conflicts, a stranger gets not-found', () => {
    const revoking = (ownerId: string | null, reason: 'user' | 'admin') => (state: TokenState) =>
      decideRevokeToken(state, { tokenId: 't1', ownerId, reason }, { now });
    tokenSpec.given([created]).when(revoking('u1', 'user')).then([revokedByOwner]);
    tokenSpec
      .given([created, revokedByOwner])
      .when(revoking('u1', 'user'))
      .thenThrows({ kind: 'conflict', field: undefined });
    tokenSpec
      .given([created])
      .when(revoking('u2', 'user'))
      .thenThrows({ kind: 'not_found', field: undefined });
    tokenSpec
      .given([created])
      .when(revoking(null, 'admin'))
      .thenMatches([{ type: 'TokenRevoked' }]);
    tokenSpec.when(revoking(null, 'admin')).thenThrows({ kind: 'not_found', field: undefined });
  });
});

describe('token policy', () => {
  const token = { createdAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-12-27T00:00:00.000Z' };

  it('caps the effective expiry by the current maximum and restores it when raised', () => {
    expect(effectiveExpiry(token, { maxLifetimeDays: 30 })).toEqual({
      expiresAt: new Date(Date.parse(token.createdAt) + 30 * DAY_MS),
      cappedByPolicy: true,
    });
    expect(effectiveExpiry(token, { maxLifetimeDays: 365 })).toEqual({
      expiresAt: new Date(token.expiresAt),
      cappedByPolicy: false,
    });
  });

  it('computes status: Revoked before Expired before Active, expiry inclusive', () => {
    const policy = { maxLifetimeDays: 365 };
    expect(tokenStatus({ ...token, revokedAt: null }, policy, now)).toBe('Active');
    expect(tokenStatus({ ...token, revokedAt: null }, policy, new Date(token.expiresAt))).toBe(
      'Expired',
    );
    expect(
      tokenStatus({ ...token, revokedAt: '2026-01-02T00:00:00Z' }, policy, new Date('2030-01-01')),
    ).toBe('Revoked');
    expect(
      tokenStatus({ ...token, revokedAt: null }, { maxLifetimeDays: 1 }, new Date('2026-01-03')),
    ).toBe('Expired');
  });

  it('offers the presets within the maximum', () => {
    expect(lifetimePresets({ maxLifetimeDays: 365 })).toEqual([7, 30, 60, 90, 180, 365]);
    expect(lifetimePresets({ maxLifetimeDays: 60 })).toEqual([7, 30, 60]);
    expect(lifetimePresets({ maxLifetimeDays: 3 })).toEqual([]);
  });

  it('changes the maximum within 1–3650 and records nothing when unchanged', () => {
    const tokenPolicy = DeciderSpec.for({
      decide: decideChangeTokenPolicy,
      evolve: evolveTokenPolicy,
      initialState: DEFAULT_TOKEN_POLICY,
    });
    tokenPolicy
      .when({ maxLifetimeDays: 90 })
      .then([{ type: 'TokenPolicyChanged', data: { maxLifetimeDays: 90 } }]);
    tokenPolicy.when({ maxLifetimeDays: 365 }).thenNothing();
    for (const bad of [0, 3651, 1.5, Number.NaN]) {
      tokenPolicy
        .when({ maxLifetimeDays: bad })
        .thenThrows((error) => error instanceof DomainError);
    }
  });
});
