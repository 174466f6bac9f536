import { DomainError } from '@pat/shared/errors';
import { DAY_MS } from '@pat/shared/time';
import {
  CreateToken,
  TokenEvent,
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
const fold = (events: TokenEvent[]): TokenState => events.reduce(evolveToken, initialTokenState);
const kindOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof DomainError ? [error.kind, error.field] : ['other'];
  }
  return ['none'];
};

describe('token decisions', () => {
  const policy = DEFAULT_TOKEN_POLICY;

  it('creates a token expiring after the requested days, with the clock given', () => {
    const [event] = decideCreateToken(initialTokenState, create({ expiresInDays: 30 }), {
      now,
      policy,
    });
    expect(event).toEqual({
      type: 'TokenCreated',
      data: {
        tokenId: 't1',
        userId: 'u1',
        name: 'ci',
        tokenHash: 'h'.repeat(64),
        tokenHint: 'tgp_…abcd',
        createdAt: '2026-01-01T00:00:00.000Z',
        expiresAt: '2026-01-31T00:00:00.000Z',
      },
    });
  });

  it('accepts an instant within the maximum and refuses one beyond it or in the past', () => {
    const ok = decideCreateToken(
      initialTokenState,
      create({ expiresAt: '2026-12-31T00:00:00.000Z' }),
      { now, policy },
    );
    expect(ok[0].data.expiresAt).toBe('2026-12-31T00:00:00.000Z');
    expect(
      kindOf(() =>
        decideCreateToken(initialTokenState, create({ expiresAt: '2027-01-02T00:00:00Z' }), {
          now,
          policy,
        }),
      ),
    ).toEqual(['invalid', 'expiresAt']);
    expect(
      kindOf(() =>
        decideCreateToken(initialTokenState, create({ expiresAt: '2025-12-31T00:00:00Z' }), {
          now,
          policy,
        }),
      ),
    ).toEqual(['invalid', 'expiresAt']);
  });

  it('refuses lifetimes over the policy, blank names and a second creation', () => {
    const small = { maxLifetimeDays: 30 };
    expect(
      kindOf(() =>
        decideCreateToken(initialTokenState, create({ expiresInDays: 31 }), { now, policy: small }),
      ),
    ).toEqual(['invalid', 'expiresInDays']);
    expect(
      kindOf(() =>
        decideCreateToken(initialTokenState, create({ expiresInDays: 1 }, '  '), { now, policy }),
      ),
    ).toEqual(['invalid', 'name']);
    const created = fold(
      decideCreateToken(initialTokenState, create({ expiresInDays: 1 }), { now, policy }),
    );
    expect(
      kindOf(() => decideCreateToken(created, create({ expiresInDays: 1 }), { now, policy })),
    ).toEqual(['conflict', undefined]);
  });

  it('revokes once: a second revoke conflicts, a stranger gets not-found', () => {
    const created = fold(
      decideCreateToken(initialTokenState, create({ expiresInDays: 1 }), { now, policy }),
    );
    const revoked = decideRevokeToken(
      created,
      { tokenId: 't1', ownerId: 'u1', reason: 'user' },
      {
        now,
      },
    );
    expect(revoked[0].data).toEqual({
      tokenId: 't1',
      userId: 'u1',
      revokedAt: '2026-01-01T00:00:00.000Z',
      reason: 'user',
    });
    const after = revoked.reduce(evolveToken, created);
    expect(
      kindOf(() =>
        decideRevokeToken(after, { tokenId: 't1', ownerId: 'u1', reason: 'user' }, { now }),
      ),
    ).toEqual(['conflict', undefined]);
    expect(
      kindOf(() =>
        decideRevokeToken(created, { tokenId: 't1', ownerId: 'u2', reason: 'user' }, { now }),
      ),
    ).toEqual(['not_found', undefined]);
    expect(
      decideRevokeToken(created, { tokenId: 't1', ownerId: null, reason: 'admin' }, { now }),
    ).toHaveLength(1);
    expect(
      kindOf(() =>
        decideRevokeToken(
          initialTokenState,
          { tokenId: 't1', ownerId: null, reason: 'admin' },
          {
            now,
          },
        ),
      ),
    ).toEqual(['not_found', undefined]);
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
    expect(decideChangeTokenPolicy(DEFAULT_TOKEN_POLICY, { maxLifetimeDays: 90 })).toEqual([
      { type: 'TokenPolicyChanged', data: { maxLifetimeDays: 90 } },
    ]);
    expect(decideChangeTokenPolicy(DEFAULT_TOKEN_POLICY, { maxLifetimeDays: 365 })).toEqual([]);
    for (const bad of [0, 3651, 1.5, Number.NaN]) {
      expect(() => decideChangeTokenPolicy(DEFAULT_TOKEN_POLICY, { maxLifetimeDays: bad })).toThrow(
        DomainError,
      );
    }
  });
});
