import type { Request } from 'express';
import { randomBytes, randomUUID } from 'node:crypto';
import { CommandRunner } from '@pat/application';
import { InMemoryRuntime, inMemoryRuntime } from '@pat/application/testing/in-memory-runtime';
import { RecordedEvent, SqliteEventStore } from '@pat/event-store';
import { userAggregate } from '@pat/identity/aggregates';
import { decideCreateUser, decideDeleteUser, userStream } from '@pat/identity/domain';
import { projectUserEvents } from '@pat/identity/projections/user.projection';
import { SqliteReadModel } from '@pat/read-model';
import { CommandContext, DAY_MS, ManualClock, loadConfig, systemContext } from '@pat/shared';
import {
  DEFAULT_TOKEN_POLICY,
  decideCreateToken,
  decideRevokeToken,
  generateTokenSecret,
  hashToken,
  tokenHint,
  tokenStream,
} from '@pat/tokens/domain';
import { projectTokenEvents } from '@pat/tokens/projections/token.projection';
import { tokenAggregate } from '@pat/tokens/token-aggregate';
import { TokenUsageRecorder } from '@pat/tokens/usage/token-usage-recorder';
import { AuthenticationOutcomes } from './authentication-outcomes';
import { BearerStrategy } from './bearer.strategy';
import { TokenAuthenticator } from './token-authenticator';

/**
 * The bearer strategy is where the authenticator's verdict meets the usage trail: the token a
 * rejection names is reported to the usage recorder. Everything here is the real thing — event
 * log and read model in memory, the recorder appending through the command runner.
 */
describe('BearerStrategy and the usage trail', () => {
  const config = loadConfig({ TOKEN_USAGE_INTERVAL_SECONDS: '600' });
  const origin = { ip: '203.0.113.7', userAgent: 'curl/8.5.0' };
  let runtime: InMemoryRuntime;
  let clock: ManualClock;
  let eventStore: SqliteEventStore;
  let readModel: SqliteReadModel;
  let commands: CommandRunner;
  let usage: TokenUsageRecorder;
  let outcomes: AuthenticationOutcomes;
  let strategy: BearerStrategy;
  const context: CommandContext = systemContext();

  beforeEach(() => {
    runtime = inMemoryRuntime([projectTokenEvents, projectUserEvents]);
    ({ clock, eventStore, readModel, commands } = runtime);
    usage = new TokenUsageRecorder(commands, clock, config);
    outcomes = new AuthenticationOutcomes();
    strategy = new BearerStrategy(
      new TokenAuthenticator(readModel, clock, config),
      usage,
      outcomes,
    );
  });
  afterEach(async () => {
    await usage.settled();
    await runtime.close();
  });

  async function createUser(): Promise<string> {
    const userId = randomUUID();
    await commands.run(
      userStream(userId),
      userAggregate,
      (state) =>
        decideCreateUser(state, {
          userId,
          username: `user-${userId.slice(0, 8)}`,
          name: null,
          email: null,
          isAdmin: false,
          isAuditor: false,
          passwordHash: '$argon2id$not-a-real-hash',
        }),
      context,
    );
    return userId;
  }

  async function createToken(userId: string, days = 30) {
    const secret = generateTokenSecret(config.tokenPrefix, randomBytes);
    const tokenId = randomUUID();
    await commands.run(
      tokenStream(tokenId),
      tokenAggregate,
      (state) =>
        decideCreateToken(
          state,
          {
            tokenId,
            userId,
            name: 'ci',
            lifetime: { expiresInDays: days },
            tokenHash: hashToken(secret),
            tokenHint: tokenHint(config.tokenPrefix, secret),
          },
          { now: clock.now(), policy: DEFAULT_TOKEN_POLICY },
        ),
      context,
    );
    return { secret, tokenId };
  }

  const present = (secret: string) =>
    strategy.authenticateRequest({
      headers: { authorization: `Bearer ${secret}`, 'user-agent': origin.userAgent },
      ip: origin.ip,
    } as unknown as Request);

  /** The usage events in the log, wherever the recorder keeps them. */
  async function usageEvents(): Promise<RecordedEvent[]> {
    await usage.settled();
    const all = await eventStore.readAll({ maxCount: 10_000 });
    return all.filter((event) => event.type === 'TokenUsed' || event.type === 'TokenRejected');
  }

  const rejectedBecause = (reason: 'revoked' | 'expired' | 'invalid') => ({
    kind: 'rejected',
    reason,
  });

  it('reports a revoked token presented, with where it came from, as a rejection', async () => {
    const userId = await createUser();
    const { secret, tokenId } = await createToken(userId);
    await commands.run(
      tokenStream(tokenId),
      tokenAggregate,
      (state) =>
        decideRevokeToken(
          state,
          { tokenId, ownerId: userId, reason: 'user' },
          { now: clock.now() },
        ),
      context,
    );
    clock.advance(60_000);

    expect(await present(secret)).toEqual(rejectedBecause('revoked'));
    const [rejected, ...others] = await usageEvents();
    expect(others).toEqual([]);
    expect(rejected).toMatchObject({
      type: 'TokenRejected',
      data: {
        tokenId,
        userId,
        rejectedAt: '2026-01-01T00:01:00.000Z',
        reason: 'revoked',
        ...origin,
      },
      metadata: { actor: { userId: null, via: 'token', tokenId } },
    });
    expect(outcomes.count('revoked')).toBe(1);
  });

  it('reports an expired token presented as a rejection for expiry', async () => {
    const userId = await createUser();
    const { secret, tokenId } = await createToken(userId, 1);
    clock.advance(DAY_MS);

    expect(await present(secret)).toEqual(rejectedBecause('expired'));
    expect(await usageEvents()).toMatchObject([
      { type: 'TokenRejected', data: { tokenId, reason: 'expired' } },
    ]);
    expect(outcomes.count('expired')).toBe(1);
  });

  it('reports the token of a deleted owner as a rejection, the token being revoked', async () => {
    const userId = await createUser();
    const { secret, tokenId } = await createToken(userId);
    await commands.run(
      userStream(userId),
      userAggregate,
      (state) => decideDeleteUser(state, { userId, requestedBy: null }),
      context,
    );

    expect(await present(secret)).toEqual(rejectedBecause('revoked'));
    expect(await usageEvents()).toMatchObject([
      { type: 'TokenRejected', data: { tokenId, reason: 'revoked' } },
    ]);
  });

  it('reports nothing for a token nobody issued', async () => {
    await createUser();
    const unknown = generateTokenSecret(config.tokenPrefix, randomBytes);

    expect(await present(unknown)).toEqual(rejectedBecause('invalid'));
    expect(await usageEvents()).toEqual([]);
    expect(outcomes.count('invalid')).toBe(1);
  });

  it('reports a rejection at most once per interval per token', async () => {
    const userId = await createUser();
    const { secret, tokenId } = await createToken(userId, 1);
    clock.advance(DAY_MS);

    await present(secret);
    await present(secret);
    expect(await usageEvents()).toHaveLength(1);
    clock.advance(config.tokenUsageIntervalMs);
    await present(secret);
    expect(await usageEvents()).toMatchObject([
      { type: 'TokenRejected', data: { tokenId } },
      { type: 'TokenRejected', data: { tokenId } },
    ]);
    expect(outcomes.count('expired')).toBe(3);
  });

  it('authenticates a token in force and records its use, which the read model then shows', async () => {
    const userId = await createUser();
    const { secret, tokenId } = await createToken(userId);
    clock.advance(60_000);

    const outcome = await present(secret);
    expect(outcome).toMatchObject({ kind: 'accepted', principal: { userId, tokenId } });
    expect(await usageEvents()).toMatchObject([
      {
        type: 'TokenUsed',
        data: { tokenId, userId, usedAt: '2026-01-01T00:01:00.000Z', ...origin },
      },
    ]);
    expect(await readModel.findTokenById(tokenId)).toMatchObject({
      lastUsedAt: '2026-01-01T00:01:00.000Z',
      lastUsedIp: origin.ip,
      lastUsedUserAgent: origin.userAgent,
    });
    expect(outcomes.count('ok')).toBe(1);
  });
});
