import { DEFAULT_TOKEN_POLICY } from '../domain/token-policy';
import { countRetiredPrefixTokens, retiredPrefixWarning } from './retired-prefixes';

const now = Date.parse('2026-03-01T12:00:00Z');
const token = (hint: string, over: { expiresAt?: string; revokedAt?: string | null } = {}) => ({
  tokenHint: hint,
  createdAt: '2026-02-01T00:00:00Z',
  expiresAt: over.expiresAt ?? '2026-06-01T00:00:00Z',
  revokedAt: over.revokedAt ?? null,
});

describe('countRetiredPrefixTokens', () => {
  it('counts the active tokens whose prefix is not listed, with their prefixes', () => {
    const tokens = [
      token('new_…aaaa'),
      token('tgp_…bbbb'),
      token('tgp_…cccc'),
      token('abc_…dddd'),
      token('tgp_…eeee', { revokedAt: '2026-02-10T00:00:00Z' }),
      token('tgp_…ffff', { expiresAt: '2026-02-20T00:00:00Z' }),
    ];
    expect(countRetiredPrefixTokens(tokens, ['new_'], DEFAULT_TOKEN_POLICY, now)).toEqual({
      count: 3,
      prefixes: ['abc_', 'tgp_'],
    });
    expect(
      countRetiredPrefixTokens(tokens, ['new_', 'tgp_', 'abc_'], DEFAULT_TOKEN_POLICY, now),
    ).toEqual({ count: 0, prefixes: [] });
  });

  it('leaves out tokens the policy has already expired', () => {
    const tokens = [token('tgp_…aaaa', { expiresAt: '2027-01-01T00:00:00Z' })];
    expect(countRetiredPrefixTokens(tokens, ['new_'], { maxLifetimeDays: 7 }, now).count).toBe(0);
  });
});

describe('retiredPrefixWarning', () => {
  it('is one line naming the count, the prefixes and the variable; nothing when none', () => {
    expect(retiredPrefixWarning({ count: 3, prefixes: ['abc_', 'tgp_'] })).toBe(
      '3 active tokens have prefix(es) no longer in TOKEN_PREFIX (abc_, tgp_); they no longer ' +
        'authenticate. List the prefix after the current one in TOKEN_PREFIX to keep them working.',
    );
    expect(retiredPrefixWarning({ count: 1, prefixes: ['tgp_'] })).toMatch(
      /^1 active token has .*; it no longer authenticates\./,
    );
    expect(retiredPrefixWarning({ count: 0, prefixes: [] })).toBeNull();
  });
});
