import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_STORE, EventStore, SqliteEventStore } from '@pat/event-store';
import { TokenUsageRecorder } from '@pat/tokens/usage/token-usage-recorder';
import { CLI_MAIN, runCli } from '../support/spawn-server';
import {
  API,
  ADMIN,
  TestApp,
  bearer,
  createToken,
  filesUnder,
  signIn,
  startTestApp,
} from '../support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * docs/design/contract.md §10: nothing a client sends puts a secret in the record. A token pasted
 * into the User-Agent or X-Request-Id of a sign-in, a token creation and the token's own first use
 * (and of a revoked token's refused use) reaches no event, no read-model or session file, no audit
 * answer, no log line and no export-events line. The recorded user agent keeps the rest of what was
 * sent, and the request id is the server's own.
 */
describe('Record hygiene', () => {
  let t: TestApp;
  let admin: string;
  /** Every token whose text must never be recorded. */
  const secrets: string[] = [];
  const leaked = (text: string) =>
    secrets.filter((secret) => text.includes(secret) || text.includes(secret.slice(4)));

  beforeAll(async () => {
    if (!existsSync(CLI_MAIN)) throw new Error(`${CLI_MAIN} is missing: run npm run build first`);
    t = await startTestApp();
    admin = await signIn(t);
  });
  afterAll(() => t.dispose());

  it('keeps a token sent in the User-Agent or X-Request-Id out of every record', async () => {
    const first = await createToken(t, admin, { name: 'first', expiresInDays: 30 });
    secrets.push(first.token);

    // A sign-in carrying the token.
    const signedIn = await t
      .http()
      .post(`${API}/session`)
      .set('User-Agent', `deploy-bot/1.0 (${first.token})`)
      .set('X-Request-Id', first.token)
      .send(ADMIN)
      .expect(200);
    expect(signedIn.headers['x-request-id']).toMatch(UUID);
    const cookie = (signedIn.headers['set-cookie'] as unknown as string[])
      .find((c) => c.startsWith('pat_session='))!
      .split(';')[0];

    // A token creation carrying it.
    const created = await t
      .http()
      .post(`${API}/me/tokens`)
      .set('Cookie', cookie)
      .set('User-Agent', `deploy-bot/1.0 (${first.token})`)
      .set('X-Request-Id', first.token)
      .send({ name: 'second', expiresInDays: 30 })
      .expect(201);
    const second = { id: created.body.id as string, token: created.body.token as string };
    secrets.push(second.token);
    expect(created.headers['x-request-id']).toMatch(UUID);
    expect(created.headers['x-request-id']).not.toBe(first.token);

    // Each token's own first use carrying it, in both headers.
    for (const { token } of [first, second]) {
      const used = await t
        .http()
        .get(`${API}/me`)
        .set(bearer(token))
        .set('User-Agent', `curl/8.5.0 token=${token} Bearer ${token}`)
        .set('X-Request-Id', token)
        .expect(200);
      expect(used.headers['x-request-id']).toMatch(UUID);
    }

    // A revoked token still being tried is recorded too (TokenRejected), with its user agent.
    const third = await createToken(t, admin, { name: 'third', expiresInDays: 30 });
    secrets.push(third.token);
    await t.http().post(`${API}/me/tokens/${third.id}/revoke`).set('Cookie', admin).expect(200);
    await t
      .http()
      .get(`${API}/me`)
      .set(bearer(third.token))
      .set('User-Agent', `curl/8.5.0 ${third.token}`)
      .set('X-Request-Id', third.token)
      .expect(401);
    await t.app.get(TokenUsageRecorder).settled();

    // The events: the user agent is kept, scrubbed; the request id is the server's.
    const events = await t.app
      .get<EventStore>(EVENT_STORE)
      .readAll({ after: null, maxCount: 1000 });
    expect(leaked(JSON.stringify(events))).toEqual([]);
    const uses = events.filter((e) => e.type === 'TokenUsed' || e.type === 'TokenRejected');
    expect(uses.map((e) => e.type).sort()).toEqual(['TokenRejected', 'TokenUsed', 'TokenUsed']);
    for (const use of uses) {
      expect((use.data as { userAgent: string }).userAgent).toMatch(
        /^curl\/8\.5\.0 .*\[REDACTED\]/,
      );
      expect(use.metadata.requestId).toMatch(UUID);
    }
    const creation = events.find(
      (e) => e.type === 'TokenCreated' && (e.data as { tokenId: string }).tokenId === second.id,
    )!;
    expect(creation.metadata.requestId).toBe(created.headers['x-request-id']);

    // Every audit answer.
    const answers = await Promise.all([
      t.http().get(`${API}/audit/events`).query({ limit: 1000 }).set('Cookie', admin).expect(200),
      t
        .http()
        .get(`${API}/audit/active-tokens`)
        .query({ at: '2026-03-01T12:00:00Z' })
        .set('Cookie', admin)
        .expect(200),
      ...[first, second, third].flatMap(({ id }) => [
        t.http().get(`${API}/audit/tokens/${id}/history`).set('Cookie', admin).expect(200),
        t
          .http()
          .get(`${API}/audit/tokens/${id}/status`)
          .query({ at: '2026-03-01T12:00:00Z' })
          .set('Cookie', admin)
          .expect(200),
        t.http().get(`${API}/me/tokens/${id}`).set('Cookie', admin).expect(200),
      ]),
      t.http().get(`${API}/me/tokens`).set('Cookie', admin).expect(200),
    ]);
    const answered = answers.map((a) => a.text).join('\n');
    expect(answered).toContain('[REDACTED]');
    expect(leaked(answered)).toEqual([]);

    // The log lines: the client's own id is there for correlation, scrubbed.
    const logs = t.logs.join('');
    expect(leaked(logs)).toEqual([]);
    expect(logs).toContain('"clientRequestId":"[REDACTED]"');

    // Every file of the data folder: event log, read model, sessions, with their -wal files
    // while the app runs, and what is left once it has closed them.
    const scan = () => {
      const files = filesUnder(t.dataDir);
      const found = files
        .map((file) => ({ file: file.path, leaked: leaked(file.content.toString('latin1')) }))
        .filter((f) => f.leaked.length > 0);
      return { paths: files.map((f) => f.path), found };
    };
    const running = scan();
    if (!process.env.MONGODB_URI) {
      expect(running.paths.some((p) => p.endsWith('read-model.sqlite-wal'))).toBe(true);
    }
    expect(running.paths.some((p) => p.endsWith('events.sqlite'))).toBe(true);
    expect(running.found).toEqual([]);
    await t.close();
    expect(scan().found).toEqual([]);
  });

  it('scrubs export-events like every other CLI output; the password hashes stay', async () => {
    // A record written before user agents were scrubbed: export-events must not pass it on.
    const store = new SqliteEventStore({ filename: join(t.dataDir, 'events.sqlite') });
    const [legacy] = secrets;
    try {
      const events = await store.readAll({ after: null, maxCount: 1000 });
      const created = events.find((e) => e.type === 'TokenCreated')!;
      const { tokenId, userId } = created.data as { tokenId: string; userId: string };
      const stream = await store.readStream(created.streamName);
      await store.appendToStream(
        created.streamName,
        [
          {
            type: 'TokenUsed',
            data: {
              tokenId,
              userId,
              usedAt: '2026-03-01T12:30:00.000Z',
              ip: '127.0.0.1',
              userAgent: `old-client "quoted\\" ${legacy}`,
            },
            metadata: {
              occurredAt: '2026-03-01T12:30:00.000Z',
              actor: { userId, via: 'token', tokenId },
              requestId: legacy,
              schemaVersion: 1,
            },
          },
        ],
        { expectedRevision: stream[stream.length - 1].revision },
      );
    } finally {
      await store.close();
    }

    const outFile = join(t.dataDir, 'export.ndjson');
    const toFile = await runCli(t.dataDir, ['export-events', '--out', outFile]);
    const toStdout = await runCli(t.dataDir, ['export-events']);
    expect([toFile.code, toStdout.code]).toEqual([0, 0]);
    for (const exported of [readFileSync(outFile, 'utf8'), toStdout.stdout]) {
      expect(leaked(exported + toFile.stderr + toStdout.stderr)).toEqual([]);
      const lines = exported.trim().split('\n');
      // Still one valid JSON record per line, the scrubbed one included.
      const records = lines.map((line) => JSON.parse(line) as { type: string; data: object });
      const scrubbed = records.filter((r) => JSON.stringify(r).includes('old-client'));
      expect(scrubbed).toHaveLength(1);
      expect(scrubbed[0].data).toMatchObject({ userAgent: 'old-client "quoted\\" [REDACTED]' });
      // By design the export is complete: the password hashes are there.
      const admin = records.find((r) => r.type === 'UserCreated')!;
      expect((admin.data as { passwordHash: string }).passwordHash).toMatch(/^\$argon2id\$/);
    }
  });
});
