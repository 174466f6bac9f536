import { join } from 'node:path';
import {
  EVENT_STORE,
  EventStore,
  NewEvent,
  RecordedEvent,
  SqliteEventStore,
} from '@pat/event-store';
import { TokenUsageRecorder } from '@pat/tokens/usage/token-usage-recorder';
import {
  API,
  TestApp,
  bearer,
  createToken,
  createUser,
  signIn,
  startTestApp,
} from '../support/test-app';

/** A use every 10 minutes for a year: what one always-on CI job records on one instance. */
const YEAR_OF_USES = 52_560;
const APPEND_BATCH = 2_000;

/**
 * The usage trail lives in a stream of its own per token (docs/adr/0002): commands read only the
 * decision stream, however much the token was used, and the history merges both, paged.
 */
describe('usage trail in its own stream', () => {
  let t: TestApp;
  let admin: string;
  let eventStore: EventStore;

  beforeAll(async () => {
    t = await startTestApp({ env: { TOKEN_USAGE_INTERVAL_SECONDS: '60' } });
    admin = await signIn(t);
    eventStore = t.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(() => t.dispose());

  const settled = () => t.app.get(TokenUsageRecorder).settled();

  it('records uses and rejections in token_usage-<id>, leaving the decision stream short', async () => {
    const user = await createUser(t, admin, { username: 'casey', password: 'casey-password-1' });
    const { id, token } = await createToken(t, user.cookie);
    await t.http().get(`${API}/me`).set(bearer(token)).set('User-Agent', 'ci/1').expect(200);
    await settled();
    await t.http().post(`${API}/me/tokens/${id}/revoke`).set('Cookie', user.cookie).expect(200);
    await t.http().get(`${API}/me`).set(bearer(token)).expect(401);
    await settled();

    const decisions = await eventStore.readStream(`token-${id}`);
    expect(decisions.map((event) => event.type)).toEqual(['TokenCreated', 'TokenRevoked']);
    const usage = await eventStore.readStream(`token_usage-${id}`);
    expect(usage.map((event) => event.type)).toEqual(['TokenUsed', 'TokenRejected']);
    expect(usage[1].data).toMatchObject({ tokenId: id, reason: 'revoked' });

    const listed = await t.http().get(`${API}/me/tokens/${id}`).set('Cookie', user.cookie);
    expect(listed.body).toMatchObject({ lastUsedUserAgent: 'ci/1', status: 'Revoked' });
  });

  it('revokes a token used for a simulated year reading a handful of events, and pages its whole history in order', async () => {
    const user = await createUser(t, admin, { username: 'robin', password: 'robin-password-1' });
    const { id, token } = await createToken(t, user.cookie, {
      name: 'always-on',
      expiresInDays: 365,
    });
    const created = await eventStore.readStream(`token-${id}`);
    const userId = (created[0].data as { userId: string }).userId;
    // The year is written while the app is stopped, so the restart catches up in batches, as
    // a projection that fell behind would (applied live, one write per event, it would take
    // minutes on FerretDB for no gain to this test).
    const { dataDir } = t;
    await t.close();
    const log = new SqliteEventStore({ filename: join(dataDir, 'events.sqlite') });
    const start = Date.parse('2026-03-01T12:00:00.000Z');
    try {
      for (let first = 0; first < YEAR_OF_USES; first += APPEND_BATCH) {
        const batch: NewEvent[] = [];
        for (let i = first; i < Math.min(first + APPEND_BATCH, YEAR_OF_USES); i++) {
          const usedAt = new Date(start + i * 600_000).toISOString();
          batch.push({
            type: 'TokenUsed',
            data: { tokenId: id, userId, usedAt, ip: '10.1.2.3', userAgent: `ci/${i}` },
            metadata: {
              occurredAt: usedAt,
              actor: { userId, via: 'token', tokenId: id },
              requestId: `use-${i}`,
              schemaVersion: 1,
            },
          });
        }
        await log.appendToStream(`token_usage-${id}`, batch, { expectedRevision: 'any' });
      }
    } finally {
      await log.close();
    }
    t = await startTestApp({ dataDir, env: { TOKEN_USAGE_INTERVAL_SECONDS: '60' } });
    eventStore = t.app.get<EventStore>(EVENT_STORE);
    admin = await signIn(t);
    const listed = await t.http().get(`${API}/me/tokens/${id}`).set('Cookie', user.cookie);
    expect(listed.body.lastUsedUserAgent).toBe(`ci/${YEAR_OF_USES - 1}`);

    // Count what the revoke reads (the real store, observed, not replaced).
    const read: RecordedEvent[][] = [];
    const readStream = eventStore.readStream.bind(eventStore);
    const spy = jest
      .spyOn(eventStore, 'readStream')
      .mockImplementation(async (...args: Parameters<EventStore['readStream']>) => {
        const events = await readStream(...args);
        read.push(events);
        return events;
      });
    try {
      await t.http().post(`${API}/me/tokens/${id}/revoke`).set('Cookie', user.cookie).expect(200);
    } finally {
      spy.mockRestore();
    }
    const eventsRead = read.reduce((sum, events) => sum + events.length, 0);
    expect(read.length).toBeGreaterThan(0);
    expect(eventsRead).toBeLessThanOrEqual(3);
    await t.http().get(`${API}/me`).set(bearer(token)).expect(401);
    await settled();

    // The history: every event of both streams, in log order, 100 a page.
    const seen: Array<{ position: string; type: string; revision: number; streamName: string }> =
      [];
    let url: string | null = `${API}/audit/tokens/${id}/history`;
    let pages = 0;
    while (url !== null) {
      const response = await t.http().get(url).set('Cookie', admin).expect(200);
      expect(response.body.events.length).toBeLessThanOrEqual(100);
      seen.push(...response.body.events);
      const link = response.headers.link as string | undefined;
      url = link ? /^<([^>]+)>; rel="next"$/.exec(link)![1] : null;
      pages += 1;
    }
    // Created, a year of uses, revoked, and the rejection of the 401 just above.
    const total = YEAR_OF_USES + 3;
    expect(seen).toHaveLength(total);
    expect(pages).toBe(Math.ceil(total / 100));
    expect(seen[0].type).toBe('TokenCreated');
    expect(seen.slice(-2).map((event) => event.type)).toEqual(['TokenRevoked', 'TokenRejected']);
    const usage = seen.filter((event) => event.streamName === `token_usage-${id}`);
    expect(usage.map((event) => event.revision)).toEqual(
      Array.from({ length: YEAR_OF_USES + 1 }, (_, i) => i),
    );
    for (let i = 1; i < seen.length; i++) {
      expect(eventStore.comparePositions(seen[i - 1].position, seen[i].position)).toBeLessThan(0);
    }
  }, 300_000);

  it('refuses a history cursor it did not make', async () => {
    const user = await createUser(t, admin, { username: 'quinn', password: 'quinn-password-1' });
    const { id } = await createToken(t, user.cookie);
    const forged = Buffer.from(JSON.stringify(['x', '0'])).toString('base64url');
    const response = await t
      .http()
      .get(`${API}/audit/tokens/${id}/history`)
      .query({ cursor: forged })
      .set('Cookie', admin)
      .expect(400);
    expect(JSON.stringify(response.body)).toContain('cursor');
  });
});
