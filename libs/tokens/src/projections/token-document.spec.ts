import { documentFromEvents } from '@pat/application';
import { embeddedReadModel } from '@pat/application/testing/embedded-read-model';
import { recordedEvent, recordedStream } from '@pat/event-store/testing/recorded-event';
import type { TokenCreatedData, TokenRevokedData, TokenUsedData } from '../domain/token';
import { tokenStream, tokenUsageStream } from '../domain/token';
import { projectTokenEvents } from './token.projection';

const tokenId = 't1';
const created: TokenCreatedData = {
  tokenId,
  userId: 'u1',
  name: 'ci',
  tokenHash: 'a'.repeat(64),
  tokenHint: 'tgp_…abcd',
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-31T00:00:00.000Z',
};
const revoked: TokenRevokedData = {
  tokenId,
  userId: 'u1',
  revokedAt: '2026-01-10T00:00:00.000Z',
  reason: 'user',
};
const used = (usedAt: string): TokenUsedData => ({
  tokenId,
  userId: 'u1',
  usedAt,
  ip: '203.0.113.7',
  userAgent: 'curl/8.5.0',
});

describe('documentFromEvents with the token projection', () => {
  const embedded = embeddedReadModel([projectTokenEvents]);
  const [createdEvent, revokedEvent] = recordedStream(tokenStream(tokenId), [
    { type: 'TokenCreated', data: created },
    { type: 'TokenRevoked', data: revoked },
  ]);
  const usage = recordedStream(
    tokenUsageStream(tokenId),
    [
      { type: 'TokenUsed', data: used('2026-01-02T00:00:00.000Z') },
      { type: 'TokenUsed', data: used('2026-01-03T00:00:00.000Z') },
    ],
    10,
  );

  it('builds a created token as the read model stores it, defaults from the projection', async () => {
    await embedded.apply([createdEvent]);
    expect(documentFromEvents(projectTokenEvents, 'tokens', tokenId, [createdEvent])).toEqual(
      await embedded.readModel.findTokenById(tokenId),
    );
  });

  it('applies a revocation on top of the stored document, usage trail and all', async () => {
    await embedded.apply([createdEvent, ...usage]);
    const before = await embedded.readModel.findTokenById(tokenId);
    await embedded.apply([revokedEvent]);
    const after = await embedded.readModel.findTokenById(tokenId);
    expect(after).toMatchObject({ revokedAt: revoked.revokedAt, usageRevision: 1 });
    expect(
      documentFromEvents(projectTokenEvents, 'tokens', tokenId, [revokedEvent], before),
    ).toEqual(after);
    // Events the stored document already reflects change nothing (the revision guards).
    expect(
      documentFromEvents(projectTokenEvents, 'tokens', tokenId, [revokedEvent, ...usage], after),
    ).toEqual(after);
  });

  it('sets the last-used fields from the usage stream under usageRevision, as the adapters do', async () => {
    await embedded.apply([createdEvent, ...usage]);
    expect(
      documentFromEvents(projectTokenEvents, 'tokens', tokenId, [createdEvent, ...usage]),
    ).toEqual(await embedded.readModel.findTokenById(tokenId));
  });

  it('ignores the changes of other documents and refuses events that create none', () => {
    const other = recordedEvent({
      streamName: tokenStream('t2'),
      revision: 0,
      type: 'TokenCreated',
      data: { ...created, tokenId: 't2' },
    });
    expect(() => documentFromEvents(projectTokenEvents, 'tokens', tokenId, [other])).toThrow(
      'No tokens document t1',
    );
    expect(() => documentFromEvents(projectTokenEvents, 'tokens', tokenId, usage)).toThrow();
  });
});
