import { SqliteEventStore } from '@pat/event-store';
import { ReadModelUnavailableError, SqliteReadModel } from '@pat/read-model';
import { CommandContext, DomainError, DomainEvent, ManualClock, conflict } from '@pat/shared';
import {
  DEFAULT_TOKEN_POLICY,
  TOKEN_POLICY_STREAM,
  TokenState,
  decideChangeTokenPolicy,
  decideCreateToken,
  decideRevokeToken,
  tokenStream,
} from '@pat/tokens/domain';
import { projectTokenEvents } from '@pat/tokens/projections/token.projection';
import { tokenAggregate, tokenPolicyAggregate } from '@pat/tokens/token-aggregate';
import { Aggregate, CommandRunner } from './command-runner';
import { InMemoryRuntime, inMemoryRuntime } from './testing/in-memory-runtime';

/** The smallest aggregate whose decision depends on its state: each event counts one more. */
type Counted = DomainEvent<'Counted', { count: number }>;
const counter: Aggregate<{ count: number }, Counted> = {
  initialState: { count: 0 },
  evolve: (_state, event) => ({ count: event.data.count }),
};
const countOneMore = (state: { count: number }): Counted[] => [
  { type: 'Counted', data: { count: state.count + 1 } },
];

const tokenId = '00000000-0000-4000-8000-000000000001';
const createToken = (now: Date) => (state: TokenState) =>
  decideCreateToken(
    state,
    {
      tokenId,
      userId: 'u1',
      name: 'ci',
      lifetime: { expiresInDays: 30 },
      tokenHash: 'a'.repeat(64),
      tokenHint: 'tgp_…aaaa',
    },
    { now, policy: DEFAULT_TOKEN_POLICY },
  );

describe('CommandRunner', () => {
  const context: CommandContext = {
    actor: { userId: 'u1', via: 'session' },
    requestId: 'req-1',
  };
  let runtime: InMemoryRuntime;
  let clock: ManualClock;
  let eventStore: SqliteEventStore;
  let readModel: SqliteReadModel;
  let runner: CommandRunner;
  const concurrentWrites: Array<Promise<unknown>> = [];

  beforeEach(() => {
    runtime = inMemoryRuntime([projectTokenEvents]);
    ({ clock, eventStore, readModel, commands: runner } = runtime);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    // Each must have succeeded: a concurrent write that came too late fails the test here.
    await Promise.all(concurrentWrites.splice(0));
    await runtime.close();
  });

  /**
   * Another writer, appending to the stream while a command is between its read and its append.
   * The SQLite store writes before its promise settles, so this happens inside a (synchronous)
   * decide; its expected revision makes a write that came too late fail (see afterEach).
   */
  const appendConcurrently = (streamName: string, seen: number, event: DomainEvent) =>
    concurrentWrites.push(
      eventStore.appendToStream(
        streamName,
        [
          {
            ...event,
            metadata: runner.metadata({ actor: { userId: null, via: 'cli' }, requestId: null }),
          },
        ],
        { expectedRevision: seen < 0 ? 'no_stream' : seen },
      ),
    );

  describe('a command that decides events', () => {
    it('appends them at the revision it read, stamped with the context and the clock', async () => {
      const append = jest.spyOn(eventStore, 'appendToStream');
      const stream = tokenStream(tokenId);

      const created = await runner.run(stream, tokenAggregate, createToken(clock.now()), context);
      expect(append).toHaveBeenLastCalledWith(stream, expect.any(Array), {
        expectedRevision: 'no_stream',
      });
      expect(created.events).toMatchObject([
        {
          streamName: stream,
          revision: 0,
          type: 'TokenCreated',
          data: { tokenId, createdAt: '2026-01-01T00:00:00.000Z' },
          metadata: {
            occurredAt: '2026-01-01T00:00:00.000Z',
            actor: { userId: 'u1', via: 'session' },
            requestId: 'req-1',
            schemaVersion: 1,
          },
        },
      ]);
      expect(created.state).toMatchObject({ exists: true, tokenId, revokedAt: null });

      clock.advance(60_000);
      const revoked = await runner.run(
        stream,
        tokenAggregate,
        (state) =>
          decideRevokeToken(
            state,
            { tokenId, ownerId: 'u1', reason: 'user' },
            { now: clock.now() },
          ),
        context,
      );
      expect(append).toHaveBeenLastCalledWith(stream, expect.any(Array), { expectedRevision: 0 });
      expect(revoked.events).toMatchObject([{ revision: 1, type: 'TokenRevoked' }]);
      expect(revoked.state).toMatchObject({ revokedAt: '2026-01-01T00:01:00.000Z' });
      expect(append).toHaveBeenCalledTimes(2);
      expect(await eventStore.readStream(stream)).toMatchObject([
        { revision: 0, type: 'TokenCreated' },
        { revision: 1, type: 'TokenRevoked' },
      ]);
    });

    it('shows them in the read model before it returns (read-your-writes)', async () => {
      await runner.run(tokenStream(tokenId), tokenAggregate, createToken(clock.now()), context);
      expect(await readModel.findTokenById(tokenId)).toMatchObject({
        tokenId,
        revokedAt: null,
        revision: 0,
      });
    });

    it('tells the append listeners of the events, once', async () => {
      const heard: string[] = [];
      runner.onAppended((events) => heard.push(...events.map((event) => event.type)));
      await runner.run(tokenStream(tokenId), tokenAggregate, createToken(clock.now()), context);
      expect(heard).toEqual(['TokenCreated']);
    });
  });

  describe('a command that decides nothing', () => {
    it('appends nothing, and answers the state it read', async () => {
      const append = jest.spyOn(eventStore, 'appendToStream');
      const outcome = await runner.run(
        TOKEN_POLICY_STREAM,
        tokenPolicyAggregate,
        (state) => decideChangeTokenPolicy(state, { maxLifetimeDays: 365 }),
        context,
      );
      expect(outcome).toEqual({ events: [], state: DEFAULT_TOKEN_POLICY });
      expect(append).not.toHaveBeenCalled();
      expect(await eventStore.readAll({ maxCount: 10 })).toEqual([]);
    });
  });

  describe('a refusal', () => {
    it('is not retried, and nothing is appended', async () => {
      let calls = 0;
      await expect(
        runner.run(
          'counter-1',
          counter,
          () => {
            calls += 1;
            throw conflict('no');
          },
          context,
        ),
      ).rejects.toThrow('no');
      expect(calls).toBe(1);
      expect(await eventStore.readStream('counter-1')).toEqual([]);
    });

    it('writes nothing while the read model cannot show it', async () => {
      await readModel.close();
      await expect(runner.run('counter-1', counter, countOneMore, context)).rejects.toBeInstanceOf(
        ReadModelUnavailableError,
      );
      expect(await eventStore.readStream('counter-1')).toEqual([]);
    });
  });

  describe('a concurrent writer between the read and the append', () => {
    it('makes the command decide again on the fresh state, whose events are the ones appended', async () => {
      const seen: number[] = [];
      const outcome = await runner.run(
        'counter-1',
        counter,
        (state) => {
          seen.push(state.count);
          if (seen.length === 1) {
            appendConcurrently('counter-1', -1, { type: 'Counted', data: { count: 1 } });
          }
          return countOneMore(state);
        },
        context,
      );
      // Retried once, from the state the other writer left.
      expect(seen).toEqual([0, 1]);
      expect(outcome.events).toMatchObject([{ revision: 1, data: { count: 2 } }]);
      expect(outcome.state).toEqual({ count: 2 });
      expect(await eventStore.readStream('counter-1')).toMatchObject([
        { revision: 0, data: { count: 1 }, metadata: { actor: { via: 'cli' } } },
        { revision: 1, data: { count: 2 }, metadata: { actor: { via: 'session' } } },
      ]);
    });

    it('never doubles a change: a revocation that lost the race is refused on the fresh state', async () => {
      const stream = tokenStream(tokenId);
      await runner.run(stream, tokenAggregate, createToken(clock.now()), context);
      const revoke = (state: TokenState, reason: 'user' | 'admin') =>
        decideRevokeToken(state, { tokenId, ownerId: null, reason }, { now: clock.now() });
      let calls = 0;
      const losing = runner.run(
        stream,
        tokenAggregate,
        (state) => {
          calls += 1;
          if (calls === 1) appendConcurrently(stream, 0, revoke(state, 'admin')[0]);
          return revoke(state, 'user');
        },
        context,
      );
      await expect(losing).rejects.toMatchObject({
        kind: 'conflict',
        message: `Token ${tokenId} is already revoked`,
      });
      expect(calls).toBe(2);
      const history = await eventStore.readStream(stream);
      expect(history.filter((event) => event.type === 'TokenRevoked')).toMatchObject([
        { data: { reason: 'admin' } },
      ]);
    });

    it('ends in a conflict error once every attempt met another writer', async () => {
      let calls = 0;
      const outcome = runner.run(
        'counter-1',
        counter,
        (state) => {
          // Every attempt is overtaken: the other writer appends after each read.
          appendConcurrently('counter-1', calls - 1, { type: 'Counted', data: { count: 100 } });
          calls += 1;
          return countOneMore(state);
        },
        context,
      );
      const refusal: unknown = await outcome.catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(DomainError);
      expect(refusal).toMatchObject({
        kind: 'conflict',
        message: 'counter-1 is being changed concurrently; try again',
      });
      // MAX_ATTEMPTS in command-runner.ts.
      expect(calls).toBe(10);
      const history = await eventStore.readStream('counter-1');
      // Only the other writer's events: none of the command's got in.
      expect(history).toHaveLength(10);
      expect(history.every((event) => event.metadata.actor.via === 'cli')).toBe(true);
    });
  });
});
