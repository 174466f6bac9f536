import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  BASE62,
  checksumOf,
  encodeBase62,
  generateTokenSecret,
  hashToken,
  isWellFormedToken,
  randomBase62,
  tokenHint,
} from './token-secret';

describe('token secrets (docs/design/contract.md §4)', () => {
  it('generates 40-character tokens with the prefix, base62 body and valid checksum', () => {
    for (let i = 0; i < 200; i++) {
      const token = generateTokenSecret('tgp_', randomBytes);
      expect(token).toMatch(/^tgp_[0-9A-Za-z]{36}$/);
      expect(isWellFormedToken('tgp_', token)).toBe(true);
    }
  });

  it('computes the checksum as CRC-32 of the random part in base62, MSD first, padded to 6', () => {
    const random = 'abcdefghijklmnopqrstuvwxyz0123';
    const crc = crc32(random);
    let expected = '';
    for (let n = crc; n > 0; n = Math.floor(n / 62)) expected = BASE62[n % 62] + expected;
    expect(checksumOf(random)).toBe(expected.padStart(6, '0'));
    expect(encodeBase62(0, 6)).toBe('000000');
    expect(encodeBase62(61, 6)).toBe('00000z');
    expect(encodeBase62(62, 6)).toBe('000010');
    expect(encodeBase62(0xffffffff, 6)).toBe('4gfFC3');
  });

  it('matches checksums computed independently (Python zlib.crc32)', () => {
    expect(checksumOf('0'.repeat(30))).toBe('2C8GjS'); // crc32 = 0x77e5db82
    expect(checksumOf('abcdefghijklmnopqrstuvwxyz0123')).toBe('2LolCm'); // crc32 = 0x806d9a54
    expect(isWellFormedToken('tgp_', `tgp_${'0'.repeat(30)}2C8GjS`)).toBe(true);
  });

  it('refuses wrong checksums, wrong prefixes, wrong lengths and foreign characters', () => {
    const token = generateTokenSecret('tgp_', randomBytes);
    const flip = (s: string, i: number) =>
      s.slice(0, i) + (s[i] === 'a' ? 'b' : 'a') + s.slice(i + 1);
    expect(isWellFormedToken('tgp_', flip(token, 5))).toBe(false);
    expect(isWellFormedToken('tgp_', flip(token, 39))).toBe(false);
    expect(isWellFormedToken('xyz_', token)).toBe(false);
    expect(isWellFormedToken('tgp_', token.slice(0, -1))).toBe(false);
    expect(isWellFormedToken('tgp_', `${token}a`)).toBe(false);
    expect(isWellFormedToken('tgp_', `${token.slice(0, 20)}-${token.slice(21)}`)).toBe(false);
    expect(isWellFormedToken('tgp_', '')).toBe(false);
  });

  it('draws characters without modulo bias: bytes from 248 up are rejected', () => {
    // A source that yields only rejected bytes first, then 0, 61, 62 → "0", "z", "0".
    const chunks = [new Uint8Array([248, 255, 250]), new Uint8Array([0, 61, 62])];
    const source = () => chunks.shift() ?? new Uint8Array([1, 1, 1]);
    expect(randomBase62(3, source)).toBe('0z0');
  });

  it('spreads characters evenly over the alphabet', () => {
    const counts = new Map<string, number>();
    const sample = randomBase62(62 * 2000, randomBytes);
    for (const c of sample) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const n of counts.values()) expect(Math.abs(n - 2000)).toBeLessThan(400);
  });

  it('hashes with SHA-256 hex and hints with the prefix and the last four characters', () => {
    expect(hashToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(tokenHint('tgp_', 'tgp_0123456789abcdefghijABCDEFGHIJ0a1B2c')).toBe('tgp_…1B2c');
  });
});
