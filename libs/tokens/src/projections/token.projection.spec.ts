import { projectEvent } from '@pat/application';
import { recordedEvent, recordedStream } from '@pat/event-store/testing/recorded-event';
import { ReadModel, SqliteReadModel } from '@pat/read-model';
import type {
  TokenCreatedData,
  TokenRejectedData,
  TokenRevokedData,
  TokenUsedData,
} from '../domain/token';
import { TOKEN_POLICY_STREAM } from '../domain/token-policy';
import { projectTokenEvents } from './token.projection';

const tokenId = 't1';
const stream = `token-${tokenId}`;
const createdData: TokenCreatedData = {
  tokenId,
  userId: 'u1',
  name: 'ci',
  tokenHash: 'a'.repeat(64),
  tokenHint: 'tgp_…abcd',
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-31T00:00:00.000Z',
};
const revokedData: TokenRevokedData = {
  tokenId,
  userId: 'u1',
  revokedAt: '2026-01-10T00:00:00.000Z',
  reason: 'admin',
};
const usedData: TokenUsedData = {
  tokenId,
  userId: 'u1',
  usedAt: '2026-01-05T12:00:00.000Z',
  ip: '203.0.113.7',
  userAgent: 'curl/8.5.0',
};
const rejectedData: TokenRejectedData = {
  tokenId,
  userId: 'u1',
  rejectedAt: '2026-01-11T00:00:00.000Z',
  reason: 'revoked',
  ip: '203.0.113.7',
  userAgent: 'curl/8.5.0',
};
/** The document a fresh token gets: every field, nothing used or revoked yet. */
const newTokenDocument = {
  ...createdData,
  revokedAt: null,
  revokedReason: null,
  lastUsedAt: null,
  lastUsedIp: null,
  lastUsedUserAgent: null,
};

describe('token projection: changes per event', () => {
  it('sets the whole document from TokenCreated, at the revision of the event', () => {
    const created = recordedEvent({
      streamName: stream,
      revision: 0,
      type: 'TokenCreated',
      data: createdData,
    });
    expect(projectTokenEvents(created)).toEqual([
      { collection: 'tokens', id: tokenId, revision: 0, set: newTokenDocument },
    ]);
  });

  it('sets when and why from TokenRevoked, and nothing else', () => {
    const revoked = recordedEvent({
      streamName: stream,
      revision: 3,
      type: 'TokenRevoked',
      data: revokedData,
    });
    expect(projectTokenEvents(revoked)).toEqual([
      {
        collection: 'tokens',
        id: tokenId,
        revision: 3,
        set: { revokedAt: '2026-01-10T00:00:00.000Z', revokedReason: 'admin' },
      },
    ]);
  });

  it('sets the policy document from TokenPolicyChanged in the policy stream only', () => {
    const change = { type: 'TokenPolicyChanged', data: { maxLifetimeDays: 30 } };
    expect(
      projectTokenEvents(
        recordedEvent({ ...change, streamName: TOKEN_POLICY_STREAM, revision: 4 }),
      ),
    ).toEqual([
      { collection: 'tokenPolicy', id: 'current', revision: 4, set: { maxLifetimeDays: 30 } },
    ]);
    // The same type anywhere else is not the policy: its revision would guard the wrong stream.
    expect(
      projectTokenEvents(recordedEvent({ ...change, streamName: 'token-policy-2', revision: 0 })),
    ).toEqual([]);
  });

  it('ignores the events of other streams', () => {
    const others = [
      recordedEvent({
        streamName: 'user-u1',
        revision: 0,
        type: 'UserCreated',
        data: { userId: 'u1' },
      }),
      recordedEvent({
        streamName: 'project-p',
        revision: 0,
        type: 'ProjectCreated',
        data: { projectId: 'p', name: 'Demo' },
      }),
    ];
    for (const event of others) expect(projectTokenEvents(event)).toEqual([]);
  });
});

/**
 * The usage trail as written up to release 0.10.0: TokenUsed and TokenRejected in the token's own
 * stream, guarded by that stream's revision. Such logs must keep projecting exactly like this.
 */
describe('token projection: usage events in the token-<id> stream (legacy layout)', () => {
  it('sets the last use (instant, address, user agent) from TokenUsed, at its revision', () => {
    const used = recordedEvent({
      streamName: stream,
      revision: 1,
      type: 'TokenUsed',
      data: usedData,
    });
    expect(projectTokenEvents(used)).toEqual([
      {
        collection: 'tokens',
        id: tokenId,
        revision: 1,
        set: {
          lastUsedAt: '2026-01-05T12:00:00.000Z',
          lastUsedIp: '203.0.113.7',
          lastUsedUserAgent: 'curl/8.5.0',
        },
      },
    ]);
  });

  it('keeps an unknown address and user agent as null', () => {
    const used = recordedEvent({
      streamName: stream,
      revision: 1,
      type: 'TokenUsed',
      data: { ...usedData, ip: null, userAgent: null },
    });
    expect(projectTokenEvents(used)).toEqual([
      {
        collection: 'tokens',
        id: tokenId,
        revision: 1,
        set: { lastUsedAt: usedData.usedAt, lastUsedIp: null, lastUsedUserAgent: null },
      },
    ]);
  });

  it('changes no document for TokenRejected (the audit log shows it)', () => {
    const rejected = recordedEvent({
      streamName: stream,
      revision: 3,
      type: 'TokenRejected',
      data: rejectedData,
    });
    expect(projectTokenEvents(rejected)).toEqual([]);
  });

  it('ends, through the embedded read model, in the document with the use and the revocation', async () => {
    const readModel = new SqliteReadModel({ filename: ':memory:' });
    try {
      const events = recordedStream(stream, [
        { type: 'TokenCreated', data: createdData },
        { type: 'TokenUsed', data: usedData },
        { type: 'TokenRevoked', data: revokedData },
        { type: 'TokenRejected', data: rejectedData },
      ]);
      await apply(readModel, events);
      const expected = {
        ...newTokenDocument,
        lastUsedAt: usedData.usedAt,
        lastUsedIp: usedData.ip,
        lastUsedUserAgent: usedData.userAgent,
        revokedAt: revokedData.revokedAt,
        revokedReason: 'admin',
        // TokenRejected moved the stream on but wrote nothing: the document stays at 2.
        revision: 2,
      };
      expect(await readModel.findTokenById(tokenId)).toEqual(expected);
      // A use delivered again after the revocation is skipped: the stream is past it.
      await apply(readModel, [
        recordedEvent({
          streamName: stream,
          revision: 1,
          type: 'TokenUsed',
          data: { ...usedData, usedAt: '2026-01-20T00:00:00.000Z' },
        }),
      ]);
      expect(await readModel.findTokenById(tokenId)).toEqual(expected);
    } finally {
      await readModel.close();
    }
  });
});

describe('token projection: through the embedded read model', () => {
  let readModel: ReadModel;
  beforeEach(() => {
    readModel = new SqliteReadModel({ filename: ':memory:' });
  });
  afterEach(() => readModel.close());

  it('answers the queries with the projected token and policy', async () => {
    await apply(readModel, [
      ...recordedStream(stream, [
        { type: 'TokenCreated', data: createdData },
        { type: 'TokenRevoked', data: revokedData },
      ]),
      ...recordedStream(
        TOKEN_POLICY_STREAM,
        [{ type: 'TokenPolicyChanged', data: { maxLifetimeDays: 90 } }],
        2,
      ),
    ]);
    const revoked = {
      ...newTokenDocument,
      revokedAt: revokedData.revokedAt,
      revokedReason: 'admin',
      revision: 1,
    };
    expect(await readModel.findTokenById(tokenId)).toEqual(revoked);
    expect(await readModel.findTokenByHash(createdData.tokenHash)).toEqual(revoked);
    expect(await readModel.listTokensByUser('u1')).toEqual([revoked]);
    expect(await readModel.findTokenCredential(createdData.tokenHash)).toEqual({
      token: revoked,
      owner: null,
      policy: { maxLifetimeDays: 90, revision: 0 },
    });
    expect(await readModel.getTokenPolicy()).toEqual({ maxLifetimeDays: 90, revision: 0 });
  });

  it('applies every event of a stream once, however often it is delivered', async () => {
    const events = recordedStream(stream, [
      { type: 'TokenCreated', data: createdData },
      { type: 'TokenRevoked', data: revokedData },
    ]);
    await apply(readModel, events);
    // Delivered again (at-least-once), the revocation first: nothing changes.
    await apply(readModel, [events[1], events[0]]);
    expect(await readModel.findTokenById(tokenId)).toEqual({
      ...newTokenDocument,
      revokedAt: revokedData.revokedAt,
      revokedReason: 'admin',
      revision: 1,
    });
  });
});

function apply(readModel: ReadModel, events: Parameters<typeof projectTokenEvents>[0][]) {
  return readModel.applyEvents(events.map((event) => projectEvent([projectTokenEvents], event)));
}

describe('token projection: usage events in the token_usage-<id> stream', () => {
  const usageStream = `token_usage-${tokenId}`;

  it('sets the last use as a usage change, guarded by the usage stream’s revision', () => {
    const used = recordedEvent({
      streamName: usageStream,
      revision: 7,
      type: 'TokenUsed',
      data: usedData,
    });
    expect(projectTokenEvents(used)).toEqual([
      {
        collection: 'tokenUsage',
        id: tokenId,
        revision: 7,
        set: {
          lastUsedAt: usedData.usedAt,
          lastUsedIp: usedData.ip,
          lastUsedUserAgent: usedData.userAgent,
        },
      },
    ]);
  });

  it('changes no document for TokenRejected', () => {
    const rejected = recordedEvent({
      streamName: usageStream,
      revision: 0,
      type: 'TokenRejected',
      data: rejectedData,
    });
    expect(projectTokenEvents(rejected)).toEqual([]);
  });

  it('shows, in one batch, the creation and the uses that follow it; the decision revision stays', async () => {
    const readModel = new SqliteReadModel({ filename: ':memory:' });
    try {
      const later = { ...usedData, usedAt: '2026-01-06T00:00:00.000Z', userAgent: 'ci/2' };
      // Log order: created, used, revoked, used — the usage stream's events interleaved.
      await apply(readModel, [
        recordedEvent({ streamName: stream, revision: 0, type: 'TokenCreated', data: createdData }),
        recordedEvent({ streamName: usageStream, revision: 0, type: 'TokenUsed', data: usedData }),
        recordedEvent({ streamName: stream, revision: 1, type: 'TokenRevoked', data: revokedData }),
        recordedEvent({ streamName: usageStream, revision: 1, type: 'TokenUsed', data: later }),
      ]);
      const expected = {
        ...newTokenDocument,
        lastUsedAt: later.usedAt,
        lastUsedIp: later.ip,
        lastUsedUserAgent: 'ci/2',
        revokedAt: revokedData.revokedAt,
        revokedReason: 'admin',
        revision: 1,
        usageRevision: 1,
      };
      expect(await readModel.findTokenById(tokenId)).toEqual(expected);
      // The first use delivered again is behind the usage stream: nothing changes.
      await apply(readModel, [
        recordedEvent({ streamName: usageStream, revision: 0, type: 'TokenUsed', data: usedData }),
      ]);
      expect(await readModel.findTokenById(tokenId)).toEqual(expected);
    } finally {
      await readModel.close();
    }
  });
});
