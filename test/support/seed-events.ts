import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '@pat/shared';
import { SqliteEventStore } from '@pat/event-store';
import type { RecordedEvent } from '@pat/event-store';

const meta = (occurredAt: string): EventMetadata => ({
  occurredAt,
  actor: { userId: null, via: 'system' },
  requestId: null,
  schemaVersion: 1,
});

/**
 * Writes a realistic log of about `events` events straight through the event-store port: users,
 * and per user tokens that are created, used and (every other one) revoked.
 */
export async function seedEventLog(filename: string, events: number): Promise<{ tokens: number }> {
  const store = new SqliteEventStore({ filename, durability: 'normal' });
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  let written = 0;
  let tokens = 0;
  try {
    while (written < events) {
      const userId = randomUUID();
      const at = new Date(start + written * 1000).toISOString();
      await store.appendToStream(
        `user-${userId}`,
        [
          {
            type: 'UserCreated',
            data: {
              userId,
              username: `user-${userId.slice(0, 8)}`,
              name: null,
              email: null,
              isAdmin: false,
              isAuditor: false,
              passwordHash: '$argon2id$not-a-real-hash',
            },
            metadata: meta(at),
          },
        ],
        { expectedRevision: 'no_stream' },
      );
      written += 1;
      for (let i = 0; i < 10 && written < events; i++) {
        const tokenId = randomUUID();
        const created = new Date(start + written * 1000);
        const batch = [
          {
            type: 'TokenCreated',
            data: {
              tokenId,
              userId,
              name: `token-${i}`,
              tokenHash: randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, ''),
              tokenHint: `tgp_…${tokenId.slice(0, 4)}`,
              createdAt: created.toISOString(),
              expiresAt: new Date(created.getTime() + 90 * 86_400_000).toISOString(),
            },
            metadata: meta(created.toISOString()),
          },
          {
            type: 'TokenUsed',
            data: {
              tokenId,
              userId,
              usedAt: created.toISOString(),
              ip: '127.0.0.1',
              userAgent: 'seed',
            },
            metadata: meta(created.toISOString()),
          },
        ];
        if (i % 2 === 0) {
          batch.push({
            type: 'TokenRevoked',
            data: { tokenId, userId, revokedAt: created.toISOString(), reason: 'user' } as never,
            metadata: meta(created.toISOString()),
          });
        }
        const take = batch.slice(0, events - written);
        await store.appendToStream(`token-${tokenId}`, take, { expectedRevision: 'no_stream' });
        written += take.length;
        tokens += 1;
      }
    }
  } finally {
    await store.close();
  }
  return { tokens };
}

/** Appends exported events (NDJSON lines of RecordedEvent) to an empty store, keeping ids. */
export async function importEventLog(filename: string, ndjson: string): Promise<number> {
  const store = new SqliteEventStore({ filename, durability: 'normal' });
  let count = 0;
  try {
    for (const line of ndjson.split('\n')) {
      if (line.trim() === '') continue;
      const event = JSON.parse(line) as RecordedEvent;
      await store.appendToStream(
        event.streamName,
        [{ id: event.id, type: event.type, data: event.data, metadata: event.metadata }],
        { expectedRevision: event.revision === 0 ? 'no_stream' : event.revision - 1 },
      );
      count += 1;
    }
  } finally {
    await store.close();
  }
  return count;
}
