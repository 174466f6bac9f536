import { randomBytes, randomUUID } from 'node:crypto';
import { InMemoryRuntime, inMemoryRuntime } from '@pat/application/testing/in-memory-runtime';
import { CommandContext, loadConfig } from '@pat/shared';
import { decideCreateToken, tokenStream } from '../domain/token';
import { DEFAULT_TOKEN_POLICY } from '../domain/token-policy';
import { generateTokenSecret } from '../domain/token-secret';
import { projectTokenEvents } from '../projections/token.projection';
import { tokenAggregate } from '../token-aggregate';
import { TokenUsageRecorder } from './token-usage-recorder';

/**
 * The usage trail's recorder on the real write path (SQLite log and embedded read model in
 * memory): what it appends, where, how often, and that it never fails its caller.
 */
describe('TokenUsageRecorder', () => {
  const config = loadConfig({ TOKEN_USAGE_INTERVAL_SECONDS: '600' });
  const origin = () => ({ ip: '198.51.100.4', userAgent: 'ci-runner/2.0' });
  const context = (): CommandContext => ({
    actor: { userId: 'u1', via: 'token', tokenId: 't' },
    requestId: 'r1',
  });
  let runtime: InMemoryRuntime;
  let recorder: TokenUsageRecorder;

  beforeEach(() => {
    runtime = inMemoryRuntime([projectTokenEvents]);
    recorder = new TokenUsageRecorder(runtime.commands, runtime.clock, config);
  });
  afterEach(async () => {
    await recorder.settled();
    await runtime.close();
  });

  async function createToken(): Promise<{ tokenId: string; userId: string }> {
    const tokenId = randomUUID();
    const userId = 'u1';
    await runtime.commands.run(
      tokenStream(tokenId),
      tokenAggregate,
      (state) =>
        decideCreateToken(
          state,
          {
            tokenId,
            userId,
            name: 'ci',
            lifetime: { expiresInDays: 30 },
            tokenHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
            tokenHint: 'tgp_…abcd',
          },
          { now: runtime.clock.now(), policy: DEFAULT_TOKEN_POLICY },
        ),
      context(),
    );
    return { tokenId, userId };
  }

  const usageOf = (tokenId: string) => runtime.eventStore.readStream(`token_usage-${tokenId}`);

  it('appends one TokenUsed per interval to the usage stream, never to the decision stream', async () => {
    const token = await createToken();
    for (let i = 0; i < 5; i++) recorder.recordUse({ ...token, lastUsedAt: null }, origin, context);
    await recorder.settled();
    runtime.clock.advance(599_000);
    recorder.recordUse({ ...token, lastUsedAt: null }, origin, context);
    await recorder.settled();
    runtime.clock.advance(1_000);
    recorder.recordUse({ ...token, lastUsedAt: null }, origin, context);
    await recorder.settled();

    const used = await usageOf(token.tokenId);
    expect(used.map((event) => [event.type, event.revision])).toEqual([
      ['TokenUsed', 0],
      ['TokenUsed', 1],
    ]);
    expect(used[0].data).toEqual({
      tokenId: token.tokenId,
      userId: 'u1',
      usedAt: '2026-01-01T00:00:00.000Z',
      ...origin(),
    });
    expect(used[0].metadata).toMatchObject({ actor: context().actor, requestId: 'r1' });
    expect(
      (await runtime.eventStore.readStream(tokenStream(token.tokenId))).map((e) => e.type),
    ).toEqual(['TokenCreated']);
    // Shown at once: the read model has the last use.
    expect(await runtime.readModel.findTokenById(token.tokenId)).toMatchObject({
      lastUsedAt: '2026-01-01T00:10:00.000Z',
      usageRevision: 1,
    });
  });

  it('records nothing when the read model already shows a use within the interval (after a restart)', async () => {
    const token = await createToken();
    const recent = new Date(runtime.clock.now().getTime() - 60_000).toISOString();
    recorder.recordUse({ ...token, lastUsedAt: recent }, origin, context);
    await recorder.settled();
    expect(await usageOf(token.tokenId)).toEqual([]);
  });

  it('records a rejection once per interval, with its reason, and asks for the origin only then', async () => {
    const token = await createToken();
    let asked = 0;
    const counted = () => {
      asked += 1;
      return origin();
    };
    for (let i = 0; i < 100; i++) recorder.recordRejection(token, 'revoked', counted, context);
    await recorder.settled();
    expect(asked).toBe(1);
    const rejected = await usageOf(token.tokenId);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ type: 'TokenRejected', data: { reason: 'revoked' } });
  });

  it('scrubs a token pasted into the user agent before it reaches the log', async () => {
    const token = await createToken();
    const pasted = generateTokenSecret('tgp_', randomBytes);
    recorder.recordUse(
      { ...token, lastUsedAt: null },
      () => ({ ip: '198.51.100.4', userAgent: `curl ${pasted}` }),
      context,
    );
    await recorder.settled();
    const [used] = await usageOf(token.tokenId);
    expect(JSON.stringify(used.data)).not.toContain(pasted);
    expect(used.data).toMatchObject({ userAgent: 'curl [REDACTED]' });
  });

  it('never fails its caller when the log cannot take the append', async () => {
    const token = await createToken();
    await runtime.eventStore.close();
    expect(() => recorder.recordUse({ ...token, lastUsedAt: null }, origin, context)).not.toThrow();
    await expect(recorder.settled()).resolves.toBeUndefined();
  });
});
