import { DomainError } from '@pat/shared/errors';
import { DEFAULT_TOKEN_POLICY } from './token-policy';
import { CreateToken, checkActiveTokenLimit, decideCreateToken, initialTokenState } from './token';

const now = new Date('2026-01-01T00:00:00.000Z');
const create: CreateToken = {
  tokenId: 't1',
  userId: 'u1',
  name: 'ci',
  lifetime: { expiresInDays: 30 },
  tokenHash: 'h'.repeat(64),
  tokenHint: 'tgp_…abcd',
};

function refusal(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('active token limit', () => {
  const policy = DEFAULT_TOKEN_POLICY;

  it('creates while the user has fewer active tokens than the most allowed', () => {
    const events = decideCreateToken(initialTokenState, create, {
      now,
      policy,
      activeTokens: { active: 99, max: 100 },
    });
    expect(events.map((e) => e.type)).toEqual(['TokenCreated']);
  });

  it('refuses one more at the limit (and past it, after the limit was lowered) with a 409 naming the setting', () => {
    for (const active of [100, 130]) {
      const error = refusal(() =>
        decideCreateToken(initialTokenState, create, {
          now,
          policy,
          activeTokens: { active, max: 100 },
        }),
      );
      expect(error.kind).toBe('conflict');
      expect(error.message).toBe(
        `You already have ${active} active tokens, the most allowed is 100 ` +
          '(MAX_ACTIVE_TOKENS_PER_USER); revoke one first',
      );
    }
  });

  it('tells a bad request what is wrong with it before the limit', () => {
    const error = refusal(() =>
      decideCreateToken(
        initialTokenState,
        { ...create, lifetime: { expiresInDays: 0 } },
        { now, policy, activeTokens: { active: 100, max: 100 } },
      ),
    );
    expect([error.kind, error.field]).toEqual(['invalid', 'expiresInDays']);
  });

  it('is a pure check of the two numbers', () => {
    expect(() => checkActiveTokenLimit({ active: 0, max: 1 })).not.toThrow();
    expect(() => checkActiveTokenLimit({ active: 1, max: 1 })).toThrow(DomainError);
  });
});
