import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mongoose from 'mongoose';
import { ReadModelUnavailableError } from '@pat/read-model';
import { MongoSessionStore } from '@pat/auth/session/mongo/mongo-session-store';
import { SqliteSessionStore } from '@pat/auth/session/sqlite-session-store';
import { describeSessionStoreContract } from '@pat/auth/session/testing/session-store.contract';

describeSessionStoreContract('embedded (sqlite)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pat-sessions-'));
  const filename = join(dir, 'sessions.sqlite');
  let store = new SqliteSessionStore({ filename });
  return {
    store,
    reopen: async () => {
      await store.close();
      store = new SqliteSessionStore({ filename });
      return store;
    },
    // The table as it was before proofs were recorded; the next open adds the columns.
    saveLegacy: async (idHash, legacy) => {
      await store.close();
      const db = new Database(filename);
      try {
        db.exec(`DROP TABLE sessions;
          CREATE TABLE sessions (
            id_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
          );`);
        db.prepare(
          'INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
        ).run(idHash, legacy.userId, legacy.createdAt, legacy.expiresAt);
      } finally {
        db.close();
      }
    },
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

// Blank counts as unset, as in the service's configuration.
const uri = process.env.MONGODB_URI?.trim() || undefined;

if (uri) {
  describeSessionStoreContract('mongodb (mongoose)', async () => {
    // A database of its own per harness, so runs and parallel workers never see each other.
    const dbName = `pat_sessions_${randomUUID().replace(/-/g, '')}`;
    let store = await MongoSessionStore.connect(uri, { dbName });
    return {
      store,
      reopen: async () => {
        await store.close();
        store = await MongoSessionStore.connect(uri, { dbName });
        return store;
      },
      saveLegacy: async (idHash, legacy) => {
        const connection = await mongoose
          .createConnection(uri, { dbName, serverSelectionTimeoutMS: 2000 })
          .asPromise();
        try {
          await connection.collection('sessions').insertOne({
            _id: idHash as never,
            userId: legacy.userId,
            createdAt: legacy.createdAt,
            expiresAt: new Date(legacy.expiresAt),
          });
        } finally {
          await connection.close();
        }
      },
      dispose: async () => {
        await store.close();
        const connection = await mongoose
          .createConnection(uri, { dbName, serverSelectionTimeoutMS: 2000 })
          .asPromise();
        try {
          await connection.dropDatabase();
        } finally {
          await connection.close();
        }
      },
    };
  });
} else {
  describe('SessionStore contract: mongodb (mongoose)', () => {
    it('is skipped without MONGODB_URI', () => {
      console.log(
        'MongoDB session-store contract suite skipped: MONGODB_URI is not set. .ci/run starts FerretDB and sets it.',
      );
      expect(uri).toBeUndefined();
    });
  });
}

// Needs no server: a port nobody listens on.
describe('MongoSessionStore without a server', () => {
  it('fails to connect with ReadModelUnavailableError', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));

    await expect(
      MongoSessionStore.connect(`mongodb://127.0.0.1:${port}/`, {
        connectOptions: { serverSelectionTimeoutMS: 300 },
      }),
    ).rejects.toBeInstanceOf(ReadModelUnavailableError);
  });
});
