import { DomainError } from '@pat/shared/errors';
import { DeciderSpec } from '@pat/shared/testing/decider-spec';
import { DEFAULT_TOKEN_POLICY } from './token-policy';
import {
  ActiveTokenLimit,
  CreateToken,
  checkActiveTokenLimit,
  decideCreateToken,
  evolveToken,
  initialTokenState,
} from './token';

const now = new Date('2026-01-01T00:00:00.000Z');
const create: CreateToken = {
  tokenId: 't1',
  userId: 'u1',
  name: 'ci',
  lifetime: { expiresInDays: 30 },
  tokenHash: 'h'.repeat(64),
  tokenHint: 'tgp_…abcd',
};
const tokenSpec = DeciderSpec.for({ evolve: evolveToken, initialState: initialTokenState });

describe('active token limit', () => {
  const policy = DEFAULT_TOKEN_POLICY;
  const creating = (command: CreateToken, activeTokens: ActiveTokenLimit) =>
    tokenSpec.when((state) => decideCreateToken(state, command, { now, policy, activeTokens }));

  it('creates while the user has fewer active tokens than the most allowed', () => {
    creating(create, { active: 99, max: 100 }).thenMatches([{ type: 'TokenCreated' }]);
  });

  it('refuses one more at the limit (and past it, after the limit was lowered) with a 409 naming the setting', () => {
    for (const active of [100, 130]) {
      creating(create, { active, max: 100 }).thenThrows({
        kind: 'conflict',
        message:
          `You already have ${active} active tokens, the most allowed is 100 ` +
          '(MAX_ACTIVE_TOKENS_PER_USER); revoke one first',
      });
    }
  });

  it('tells a bad request what is wrong with it before the limit', () => {
    creating({ ...create, lifetime: { expiresInDays: 0 } }, { active: 100, max: 100 }).thenThrows({
      kind: 'invalid',
      field: 'expiresInDays',
    });
  });

  it('is a pure check of the two numbers', () => {
    expect(() => checkActiveTokenLimit({ active: 0, max: 1 })).not.toThrow();
    expect(() => checkActiveTokenLimit({ active: 1, max: 1 })).toThrow(DomainError);
  });
});
