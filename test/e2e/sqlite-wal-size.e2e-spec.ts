import { statSync } from 'node:fs';
import { join } from 'node:path';
import { API, TestApp, signIn, startTestApp } from '../support/test-app';
import type { Response } from 'supertest';

/**
 * The embedded read model's WAL stays small: with its 16 KiB pages SQLite's default checkpoint
 * interval (1000 pages) let it reach 16 MiB beside a database of a few hundred kB, so on a small
 * volume the service filled its own disk.
 */

// With MONGODB_URI the read model is not a SQLite file: the first pass of .ci/run covers it.
const describeEmbedded = !process.env.MONGODB_URI
  ? describe
  : (name: string) =>
      describe(name, () => {
        it('runs on the embedded read model (MONGODB_URI is set here)', () => {
          console.log(
            'SQLite WAL size test: the read model is MongoDB here; the embedded pass runs it.',
          );
          expect(process.env.MONGODB_URI).toBeDefined();
        });
      });

const MAX_WAL_BYTES = 4 * 1024 * 1024;

describeEmbedded('SQLite WAL size', () => {
  let t: TestApp;
  beforeAll(async () => {
    // One user creates all 1 000: lift the active-token cap (default 100) out of the way.
    t = await startTestApp({ env: { MAX_ACTIVE_TOKENS_PER_USER: '10000' } });
  });
  afterAll(async () => {
    await t.dispose();
  });

  const walSize = (file: string) => {
    try {
      return statSync(join(t.dataDir, `${file}-wal`)).size;
    } catch {
      return 0;
    }
  };

  it('keeps the read model WAL under 4 MiB across 1 000 token creations', async () => {
    const cookie = await signIn(t);
    let largest = { 'read-model.sqlite': 0, 'events.sqlite': 0, 'sessions.sqlite': 0 };
    for (let i = 0; i < 1000; i++) {
      await t
        .http()
        .post(`${API}/me/tokens`)
        .set('Cookie', cookie)
        .send({ name: `token-${i}`, expiresInDays: 30 })
        .expect(201);
      if (i % 20 === 0 || i === 999) {
        largest = Object.fromEntries(
          Object.entries(largest).map(([file, size]) => [file, Math.max(size, walSize(file))]),
        ) as typeof largest;
      }
    }
    expect(walSize('read-model.sqlite')).toBeGreaterThan(0);
    expect(largest['read-model.sqlite']).toBeLessThan(MAX_WAL_BYTES);
    // The event log and the sessions are bounded the same way.
    expect(largest['events.sqlite']).toBeLessThan(MAX_WAL_BYTES + 1024 * 1024);
    expect(largest['sessions.sqlite']).toBeLessThan(MAX_WAL_BYTES);
    // Every one is listed, 100 a page, following the Link headers.
    const listed: unknown[] = [];
    for (let url: string | null = `${API}/me/tokens`; url !== null;) {
      const page: Response = await t.http().get(url).set('Cookie', cookie).expect(200);
      listed.push(...(page.body as unknown[]));
      url = /^<([^>]+)>; rel="next"$/.exec(String(page.headers.link ?? ''))?.[1] ?? null;
    }
    expect(listed).toHaveLength(1000);
  }, 180_000);
});
