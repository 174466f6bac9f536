import { hash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Token format (docs/design/contract.md §4): `<prefix><30 random base62 chars><6-char checksum>`.
 * The checksum is the CRC-32 of the random part in base62, so typos and truncations are
 * refused without a lookup.
 */
export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const RANDOM_LENGTH = 30;
export const CHECKSUM_LENGTH = 6;
const BASE62_RUN = /^[0-9A-Za-z]+$/;
/** The largest multiple of 62 that fits in a byte: bytes at or above it are rejected (no bias). */
const UNBIASED_BYTE_LIMIT = 62 * 4;

export type RandomBytes = (size: number) => Uint8Array;

export function encodeBase62(value: number, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

export function checksumOf(randomPart: string): string {
  return encodeBase62(crc32(randomPart), CHECKSUM_LENGTH);
}

/** Draws base62 characters by rejection sampling, so each character is uniformly distributed. */
export function randomBase62(length: number, randomBytes: RandomBytes): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < UNBIASED_BYTE_LIMIT) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export function generateTokenSecret(prefix: string, randomBytes: RandomBytes): string {
  const randomPart = randomBase62(RANDOM_LENGTH, randomBytes);
  return `${prefix}${randomPart}${checksumOf(randomPart)}`;
}

/** True when the candidate has this prefix, the right length, only base62 and a valid checksum. */
export function isWellFormedToken(prefix: string, candidate: string): boolean {
  if (candidate.length !== prefix.length + RANDOM_LENGTH + CHECKSUM_LENGTH) return false;
  if (!candidate.startsWith(prefix)) return false;
  const body = candidate.slice(prefix.length);
  if (!BASE62_RUN.test(body)) return false;
  return checksumOf(body.slice(0, RANDOM_LENGTH)) === body.slice(RANDOM_LENGTH);
}

export function hashToken(token: string): string {
  // The one-shot form: a third of createHash()'s cost, and it runs on every request.
  return hash('sha256', token, 'hex');
}

/** What listings show instead of the token: the prefix and the last four characters. */
export function tokenHint(prefix: string, token: string): string {
  return `${prefix}…${token.slice(-4)}`;
}

/** A pattern matching anything token-shaped with this prefix, for redaction. */
export function tokenShapedPattern(prefix: string): RegExp {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${escaped}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}`, 'g');
}
