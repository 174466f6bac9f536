/**
 * Writes a synthetic event log straight into a SqliteEventStore file through the port's
 * appendToStream, one append per stream (a token's TokenCreated and TokenRevoked go together).
 *
 * To keep seeding fast (it is not what is measured) the seeding connection turns `synchronous`
 * off and groups appends into outer transactions of SEED_GROUP streams; every append still goes
 * through appendToStream with its expected revision.
 *
 * argv[2] is JSON: { dataDir, events } for a mixed log (≈0.1 % UserCreated, one
 * TokenPolicyChanged, tokens of which a fifth are revoked, so 80 % TokenCreated / 20 %
 * TokenRevoked of the rest), or { dataDir, activeTokens, tokensFile } for one user with that many
 * active tokens whose plaintexts are written one per line to tokensFile.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { NewEvent, SqliteEventStore } from '@pat/event-store';
import { userStream } from '@pat/identity/domain';
import type { EventMetadata } from '@pat/shared';
import {
  TOKEN_POLICY_STREAM,
  generateTokenSecret,
  hashToken,
  tokenHint,
  tokenStream,
} from '@pat/tokens/domain';
import { runAsChild } from '../lib/children';

export type SeedOptions =
  | { readonly dataDir: string; readonly events: number }
  | { readonly dataDir: string; readonly activeTokens: number; readonly tokensFile: string };

export interface SeedResult {
  readonly events: number;
  readonly streams: number;
  readonly users: number;
  readonly tokens: number;
  readonly revoked: number;
  readonly seconds: number;
  /** A token that must authenticate / be found after a rebuild, and one that must be revoked. */
  readonly probe: { activeHash: string; revokedHash: string | null; userId: string };
}

const SEED_GROUP = 5000;
const PREFIX = 'tgp_';
const DAY_MS = 86_400_000;

async function main(): Promise<SeedResult> {
  const options = JSON.parse(process.argv[2]) as SeedOptions;
  const started = process.hrtime.bigint();
  const store = new SqliteEventStore({ filename: join(options.dataDir, 'events.sqlite') });
  const db = (store as unknown as { db: Database.Database }).db;
  db.pragma('synchronous = OFF');

  const now = Date.now();
  const metadata = (userId: string | null): EventMetadata => ({
    occurredAt: new Date(now).toISOString(),
    actor: userId ? { userId, via: 'session' } : { userId: null, via: 'system' },
    requestId: null,
    schemaVersion: 1,
  });

  let grouped = 0;
  let events = 0;
  let streams = 0;
  const append = async (stream: string, batch: NewEvent[]) => {
    if (grouped === 0) db.exec('BEGIN');
    await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
    events += batch.length;
    streams += 1;
    if (++grouped === SEED_GROUP) {
      db.exec('COMMIT');
      grouped = 0;
    }
  };

  const mixed = 'events' in options;
  const userCount = mixed ? Math.max(1, Math.floor(options.events / 1000)) : 1;
  const rest = mixed ? options.events - userCount - 1 : options.activeTokens;
  const revokedCount = mixed ? Math.floor(rest / 5) : 0;
  const tokenCount = rest - revokedCount;

  const users: string[] = [];
  for (let i = 0; i < userCount; i++) {
    const userId = randomUUID();
    users.push(userId);
    await append(userStream(userId), [
      {
        type: 'UserCreated',
        data: {
          userId,
          username: `bench-user-${i}`,
          name: null,
          email: null,
          isAdmin: false,
          isAuditor: false,
          // Never used to sign in: the benchmarks authenticate with tokens only.
          passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hiZW5jaA$YmVuY2hiZW5jaGJlbmNoYmVuY2g',
        },
        metadata: metadata(null),
      },
    ]);
  }
  if (mixed) {
    await append(TOKEN_POLICY_STREAM, [
      { type: 'TokenPolicyChanged', data: { maxLifetimeDays: 365 }, metadata: metadata(null) },
    ]);
  }

  const plaintexts: string[] = [];
  let activeHash = '';
  let revokedHash: string | null = null;
  for (let i = 0; i < tokenCount; i++) {
    const tokenId = randomUUID();
    const userId = users[i % userCount];
    const secret = generateTokenSecret(PREFIX, randomBytes);
    if (!mixed) plaintexts.push(secret);
    const tokenHash = hashToken(secret);
    const batch: NewEvent[] = [
      {
        type: 'TokenCreated',
        data: {
          tokenId,
          userId,
          name: `bench-${i}`,
          tokenHash,
          tokenHint: tokenHint(PREFIX, secret),
          createdAt: new Date(now).toISOString(),
          expiresAt: new Date(now + 30 * DAY_MS).toISOString(),
        },
        metadata: metadata(userId),
      },
    ];
    if (i < revokedCount) {
      batch.push({
        type: 'TokenRevoked',
        data: { tokenId, userId, revokedAt: new Date(now).toISOString(), reason: 'user' },
        metadata: metadata(userId),
      });
      revokedHash ??= tokenHash;
    } else {
      activeHash = tokenHash;
    }
    await append(tokenStream(tokenId), batch);
  }
  if (grouped > 0) db.exec('COMMIT');
  await store.close();
  if (!mixed) writeFileSync(options.tokensFile, plaintexts.join('\n') + '\n');

  const result: SeedResult = {
    events,
    streams,
    users: userCount,
    tokens: tokenCount,
    revoked: revokedCount,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    probe: { activeHash, revokedHash, userId: users[0] },
  };
  return result;
}

runAsChild(main);
