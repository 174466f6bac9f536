import { ANY, NO_STREAM, STREAM_EXISTS } from '@eventstore/db-client';
import {
  DEFAULT_STREAM_PREFIXES,
  appendedRevisions,
  backoffDelay,
  compareEncodedPositions,
  compareLogPositions,
  encodePosition,
  isProductEvent,
  parsePosition,
  toClientExpectedRevision,
  toPortRevision,
  toRevisionNumber,
  validateStreamPrefixes,
} from './positions';

describe('EventStoreDB positions', () => {
  it('encodes commit and prepare as "<commit>/<prepare>" and parses them back', () => {
    expect(encodePosition({ commit: 1234n, prepare: 1200n })).toBe('1234/1200');
    expect(parsePosition('1234/1200')).toEqual({ commit: 1234n, prepare: 1200n });
    expect(parsePosition('0/0')).toEqual({ commit: 0n, prepare: 0n });
  });

  it('keeps positions beyond 2^53 exact', () => {
    const big = { commit: 2n ** 63n - 1n, prepare: 2n ** 60n + 7n };
    const encoded = encodePosition(big);
    expect(encoded).toBe('9223372036854775807/1152921504606846983');
    expect(parsePosition(encoded)).toEqual(big);
  });

  it('refuses what is not a position', () => {
    for (const bad of ['', '12', '12/', '/12', '1/2/3', '-1/0', '1.5/2', 'a/b', ' 1/2', '1/2 ']) {
      expect(() => parsePosition(bad)).toThrow(RangeError);
    }
    expect(() => encodePosition({ commit: -1n, prepare: 0n })).toThrow(RangeError);
  });

  it('orders by commit position, then by prepare position', () => {
    expect(compareLogPositions({ commit: 1n, prepare: 9n }, { commit: 2n, prepare: 0n })).toBe(-1);
    expect(compareLogPositions({ commit: 2n, prepare: 0n }, { commit: 1n, prepare: 9n })).toBe(1);
    expect(compareLogPositions({ commit: 5n, prepare: 3n }, { commit: 5n, prepare: 4n })).toBe(-1);
    expect(compareLogPositions({ commit: 5n, prepare: 4n }, { commit: 5n, prepare: 3n })).toBe(1);
    expect(compareLogPositions({ commit: 5n, prepare: 4n }, { commit: 5n, prepare: 4n })).toBe(0);
  });

  it('compares encoded positions numerically, not as strings', () => {
    expect(compareEncodedPositions('9/9', '10/10')).toBeLessThan(0);
    expect(compareEncodedPositions('100/100', '99/99')).toBeGreaterThan(0);
    expect(compareEncodedPositions('42/7', '42/7')).toBe(0);
    const sorted = ['10/10', '9/9', '9/10', '100/1'].sort(compareEncodedPositions);
    expect(sorted).toEqual(['9/9', '9/10', '10/10', '100/1']);
  });
});

describe('EventStoreDB expected revisions', () => {
  it("maps the port's expected revision to the client's", () => {
    expect(toClientExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toClientExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
    expect(toClientExpectedRevision('any')).toBe(ANY);
    expect(toClientExpectedRevision(0)).toBe(0n);
    expect(toClientExpectedRevision(41)).toBe(41n);
  });

  it('refuses a revision that is not a non-negative integer', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => toClientExpectedRevision(bad)).toThrow(RangeError);
    }
  });

  it("maps the client's current revision back, no stream included", () => {
    expect(toPortRevision(7n)).toBe(7);
    expect(toPortRevision('no_stream')).toBe('no_stream');
    expect(toPortRevision(-1n)).toBe('no_stream');
    expect(toRevisionNumber(0n)).toBe(0);
    expect(() => toRevisionNumber(2n ** 60n)).toThrow(RangeError);
  });

  it('numbers the events of an append up to the revision of the last one', () => {
    expect(appendedRevisions(0, 1)).toEqual([0]);
    expect(appendedRevisions(2, 3)).toEqual([0, 1, 2]);
    expect(appendedRevisions(9, 2)).toEqual([8, 9]);
    expect(() => appendedRevisions(1, 3)).toThrow(RangeError);
    expect(() => appendedRevisions(1, 0)).toThrow(RangeError);
  });
});

describe('EventStoreDB stream filter', () => {
  it("keeps the product's streams and drops system and foreign ones", () => {
    const prefixes = [...DEFAULT_STREAM_PREFIXES];
    expect(isProductEvent(prefixes, 'token-1f2e', 'TokenCreated')).toBe(true);
    expect(isProductEvent(prefixes, 'token-policy', 'TokenPolicyChanged')).toBe(true);
    expect(isProductEvent(prefixes, 'user-42', 'UserCreated')).toBe(true);
    expect(isProductEvent(prefixes, 'username-alice', 'UsernameClaimed')).toBe(true);
    expect(isProductEvent(prefixes, 'project-7', 'MemberAdded')).toBe(true);
    expect(isProductEvent(prefixes, 'orders-1', 'OrderPlaced')).toBe(false);
    expect(isProductEvent(prefixes, 'tokens', 'X')).toBe(false);
    expect(isProductEvent(prefixes, '$stats-127.0.0.1:2113', '$statsCollected')).toBe(false);
    expect(isProductEvent(prefixes, '$$token-1', '$metadata')).toBe(false);
    expect(isProductEvent(prefixes, '$ce-token', '$>')).toBe(false);
    expect(isProductEvent(prefixes, 'token-1', '$>')).toBe(false);
  });

  it('needs at least one prefix, none empty or of a system stream', () => {
    expect(validateStreamPrefixes(['a-', 'b-', 'a-'])).toEqual(['a-', 'b-']);
    expect(() => validateStreamPrefixes([])).toThrow(RangeError);
    expect(() => validateStreamPrefixes([''])).toThrow(RangeError);
    expect(() => validateStreamPrefixes(['$ce-'])).toThrow(RangeError);
  });
});

describe('subscription backoff', () => {
  it('doubles from 100 ms and stays at 5 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 100].map((attempt) => backoffDelay(attempt))).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000,
    ]);
  });
});
