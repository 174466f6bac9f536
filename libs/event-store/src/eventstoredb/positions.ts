import { ANY, NO_STREAM, STREAM_EXISTS } from '@eventstore/db-client';
import type { AppendExpectedRevision } from '@eventstore/db-client';
import type { ExpectedRevision, Position } from '../event-store.port';

/**
 * Pure helpers of the EventStoreDB adapter: log positions, expected revisions, the stream filter.
 * Kept apart from the adapter so they are unit-tested without a server.
 */

/** A position in EventStoreDB's transaction log, as the client reports it. */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

const POSITION_PATTERN = /^(\d+)\/(\d+)$/;

/** The port's opaque position: `<commit>/<prepare>` in decimal. */
export function encodePosition(position: LogPosition): Position {
  if (position.commit < 0n || position.prepare < 0n) {
    throw new RangeError(`Not a log position: ${position.commit}/${position.prepare}`);
  }
  return `${position.commit}/${position.prepare}`;
}

export function parsePosition(position: Position): LogPosition {
  const match = POSITION_PATTERN.exec(position);
  if (!match) throw new RangeError(`Not an EventStoreDB log position: ${position}`);
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}

/** Log order: commit position first, then prepare position (as EventStoreDB orders $all). */
export function compareLogPositions(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function compareEncodedPositions(a: Position, b: Position): number {
  return compareLogPositions(parsePosition(a), parsePosition(b));
}

/** The port's expected revision in the client's terms. */
export function toClientExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      if (!Number.isSafeInteger(expected) || expected < 0) {
        throw new RangeError(`Not a stream revision: ${String(expected)}`);
      }
      return BigInt(expected);
  }
}

/** The client's "current revision" of a stream (bigint or 'no_stream') in the port's terms. */
export function toPortRevision(current: bigint | string): number | 'no_stream' {
  if (typeof current === 'bigint') return current < 0n ? 'no_stream' : toRevisionNumber(current);
  return 'no_stream';
}

export function toRevisionNumber(revision: bigint): number {
  const n = Number(revision);
  if (!Number.isSafeInteger(n)) throw new RangeError(`Stream revision out of range: ${revision}`);
  return n;
}

/**
 * Revisions of the events of one append, from the revision of its last event: the client only
 * reports `nextExpectedRevision`, and an append's events take consecutive revisions.
 */
export function appendedRevisions(nextExpectedRevision: number, count: number): number[] {
  const first = nextExpectedRevision - count + 1;
  if (count < 1 || first < 0) {
    throw new RangeError(`${count} events cannot end at revision ${nextExpectedRevision}`);
  }
  return Array.from({ length: count }, (_, i) => first + i);
}

/**
 * The product's stream categories (docs/design/contract.md §5), the default filter of the
 * global log.
 */
export const DEFAULT_STREAM_PREFIXES: readonly string[] = [
  'token-',
  'token_usage-',
  'user-',
  'username-',
  'project-',
  'token-policy',
];

/** Checks the prefixes once: an empty list would match everything on the server, `$` is system. */
export function validateStreamPrefixes(prefixes: readonly string[]): string[] {
  if (prefixes.length === 0) throw new RangeError('streamPrefixes must not be empty');
  for (const prefix of prefixes) {
    if (prefix === '' || prefix.startsWith('$')) {
      throw new RangeError(`Not a product stream prefix: "${prefix}"`);
    }
  }
  return [...new Set(prefixes)];
}

/**
 * Whether an event of the global log belongs to the product: its stream matches a prefix and
 * neither the stream nor the type is a system one (`$…`: $stats, $>, $metadata, …).
 */
export function isProductEvent(
  prefixes: readonly string[],
  streamName: string,
  type: string,
): boolean {
  if (streamName.startsWith('$') || type.startsWith('$')) return false;
  return prefixes.some((prefix) => streamName.startsWith(prefix));
}

/** Capped exponential backoff: 100 ms, 200 ms, … up to 5 s. */
export function backoffDelay(attempt: number, initialMs = 100, maxMs = 5000): number {
  if (attempt < 1) return initialMs;
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt - 1, 30));
}
