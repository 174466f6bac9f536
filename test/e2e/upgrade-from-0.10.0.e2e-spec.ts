import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, EventStore } from '@pat/event-store';
import { READ_MODEL, READ_MODEL_COLLECTIONS, ReadModel, TokenRecord } from '@pat/read-model';
import { cli } from '../support/cli';
import { waitFor } from '../support/spawn-server';
import { API, ADMIN, TestApp, signIn, startTestApp } from '../support/test-app';

/**
 * An event log written by release 0.10.0 (test/fixtures/release-0.10.0, made by its
 * generate.ts): usage events in the tokens' own streams, a revoked and rejected token, a deleted
 * user whose token the process manager revoked, a policy change, a project with members. This
 * release must rebuild the very read model 0.10.0 built from it, and answer the same.
 */
const FIXTURE = join(__dirname, '..', 'fixtures', 'release-0.10.0');
const expected = JSON.parse(readFileSync(join(FIXTURE, 'read-model.json'), 'utf8')) as Record<
  string,
  Array<{ id: string; doc: Record<string, unknown> }>
>;
const tokenNamed = (name: string) => {
  const found = expected.tokens.find((entry) => entry.doc.name === name);
  if (!found) throw new Error(`no token ${name} in the fixture`);
  return found.doc as unknown as TokenRecord;
};

describe('upgrade from 0.10.0: its event log rebuilds the same read model', () => {
  let t: TestApp;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pat-upgrade-'));
    copyFileSync(join(FIXTURE, 'events.sqlite'), join(dataDir, 'events.sqlite'));
    // The admin exists in the log: the bootstrap settings only name it.
    t = await startTestApp({ dataDir });
  });
  afterAll(() => t.dispose());

  it('projects every document exactly as 0.10.0 did', async () => {
    const readModel = t.app.get<ReadModel>(READ_MODEL);
    for (const collection of READ_MODEL_COLLECTIONS) {
      const documents = (await readModel.allDocuments(collection)).sort((a, b) =>
        a.id.localeCompare(b.id),
      );
      expect({ collection, documents }).toEqual({ collection, documents: expected[collection] });
    }
  });

  it('answers the audit questions as before', async () => {
    const cookie = await signIn(t, ADMIN.username, ADMIN.password);
    const laptop = tokenNamed('laptop');
    const before = await t
      .http()
      .get(`${API}/audit/tokens/${laptop.tokenId}/status`)
      .query({ at: laptop.createdAt })
      .set('Cookie', cookie)
      .expect(200);
    expect(before.body).toMatchObject({ existed: true, status: 'Active' });
    const after = await t
      .http()
      .get(`${API}/audit/tokens/${laptop.tokenId}/status`)
      .query({ at: laptop.revokedAt })
      .set('Cookie', cookie)
      .expect(200);
    expect(after.body).toMatchObject({ existed: true, status: 'Revoked' });

    // The old layout's usage trail is part of the token's history, in order.
    const ci = tokenNamed('ci-deploy');
    const history = await t
      .http()
      .get(`${API}/audit/tokens/${ci.tokenId}/history`)
      .set('Cookie', cookie)
      .expect(200);
    const types = (history.body.events as Array<{ type: string }>).map((event) => event.type);
    expect(types).toEqual(['TokenCreated', ...Array<string>(12).fill('TokenUsed')]);
  });

  it('records new uses in the usage stream on top of the old ones', async () => {
    const ci = tokenNamed('ci-deploy');
    const eventStore = t.app.get<EventStore>(EVENT_STORE);
    const usedAt = '2026-03-02T09:00:00.000Z';
    await eventStore.appendToStream(
      `token_usage-${ci.tokenId}`,
      [
        {
          type: 'TokenUsed',
          data: {
            tokenId: ci.tokenId,
            userId: ci.userId,
            usedAt,
            ip: '10.0.0.9',
            userAgent: 'new',
          },
          metadata: {
            occurredAt: usedAt,
            actor: { userId: ci.userId, via: 'token', tokenId: ci.tokenId },
            requestId: 'upgrade-test',
            schemaVersion: 1,
          },
        },
      ],
      { expectedRevision: 'any' },
    );
    const readModel = t.app.get<ReadModel>(READ_MODEL);
    await waitFor(
      async () => (await readModel.findTokenById(ci.tokenId))?.lastUsedAt === usedAt,
      30_000,
      'the projection to show the new use',
    );
    const token = await readModel.findTokenById(ci.tokenId);
    expect(token).toMatchObject({
      lastUsedIp: '10.0.0.9',
      lastUsedUserAgent: 'new',
      usageRevision: 0,
    });
    // The decision stream's revision guard is untouched: 12 old uses after the creation.
    expect(token?.revision).toBe(12);
  });

  it('verify-read-model finds no difference', async () => {
    await t.close();
    const verified = cli(t.dataDir, 'verify-read-model');
    expect(verified.stdout).toContain('OK: the read model matches a replay of');
    expect(verified.code).toBe(0);
  });
});
