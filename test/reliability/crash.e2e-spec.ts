import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HttpClient,
  HttpResponse,
  ServerProcess,
  assertBuilt,
  mapConcurrently,
  seededRandom,
  startServer,
} from '../support/spawn-server';
import { API, dropReadModel } from '../support/test-app';
import {
  compareWithReplay,
  logViolations,
  readWholeLog,
  usesEmbeddedEventLog,
  waitForProjectionAtLogEnd,
} from './log-checks';

/**
 * Crash safety of the built process: a burst of 500 concurrent creations and revocations, the
 * server SIGKILLed while it is in flight (after 30–60 % of the answers), a restart on the same
 * DATA_DIR. Whatever was answered as done is still done; whatever was cut is either fully there
 * or not at all; nothing is doubled; the read model equals a replay of the log.
 *
 * CRASH_SEED=<n> replays a run's interleaving and kill point (the seed is printed).
 */
const CREATIONS = 350;
/** Revocation requests: REVOKED_ONCE victims once, REVOKED_TWICE victims twice (concurrently). */
const REVOKED_ONCE = 120;
const REVOKED_TWICE = 15;
/** Victims the burst never touches: they must still authenticate afterwards. */
const UNTOUCHED = 5;
const VICTIMS = REVOKED_ONCE + REVOKED_TWICE + UNTOUCHED;
/** One user creates every token here: far more than the default active-token cap of 100. */
const SERVER_ENV = { MAX_ACTIVE_TOKENS_PER_USER: '10000' };
/**
 * About 20–35 s on the embedded stores. With MONGODB_URI (FerretDB) the read-model writes are
 * much slower, and a restart waits for the writes the killed process left queued there.
 */
const TIMEOUT_MS = process.env.MONGODB_URI ? 180_000 : 60_000;

type Operation =
  | { readonly kind: 'create'; readonly name: string }
  | { readonly kind: 'revoke'; readonly victim: number };

interface Outcome {
  readonly operation: Operation;
  /** Set when the whole answer arrived. */
  readonly status?: number;
  readonly body?: { id?: string; token?: string };
  /** Set when the request was cut (connection refused or reset by the kill). */
  readonly error?: string;
}

const isRevokedChallenge = (response: HttpResponse) =>
  response.status === 401 && /error_description="[^"]*revoked/.test(authenticate(response));
const authenticate = (response: HttpResponse) =>
  ([] as string[]).concat(response.headers['www-authenticate'] ?? []).join(', ');

/** The answer's JSON body, if it has one (an answer is an answer, whatever its body). */
function parseBody(response: HttpResponse): Outcome['body'] {
  try {
    return response.json();
  } catch {
    return { text: response.text } as Outcome['body'];
  }
}

const describeEmbedded = usesEmbeddedEventLog ? describe : describe.skip;

describeEmbedded('Crash safety: SIGKILL during a burst of creations and revocations', () => {
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 2 ** 31);
  const dataDir = mkdtempSync(join(tmpdir(), 'pat-sigkill-'));
  const servers: ServerProcess[] = [];
  const clients: HttpClient[] = [];

  beforeAll(assertBuilt);

  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all(servers.map((server) => server.kill()));
    if (process.env.MONGODB_URI) await dropReadModel(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'keeps every answered write, doubles nothing, and the read model equals a replay',
    async () => {
      const started = Date.now();
      const random = seededRandom(seed);

      // 1. A running server, signed in, with tokens to revoke.
      const first = await startServer({ dataDir, env: SERVER_ENV });
      servers.push(first);
      const setup = new HttpClient(first.baseUrl, { maxSockets: 8 });
      clients.push(setup);
      const cookie = await setup.signIn();
      const victims = await mapConcurrently(
        Array.from({ length: VICTIMS }, (_, i) => i),
        8,
        async (i) => {
          const response = await setup.post(`${API}/me/tokens`, {
            headers: { cookie },
            body: { name: `victim-${i}`, expiresInDays: 30 },
          });
          expect(response.status).toBe(201);
          return response.json<{ id: string; token: string }>();
        },
      );
      setup.close();

      // 2. The burst, in a seeded random order, and the kill point.
      const operations: Operation[] = [
        ...Array.from({ length: CREATIONS }, (_, i) => ({
          kind: 'create' as const,
          name: `burst-${i}`,
        })),
        ...Array.from({ length: REVOKED_ONCE + REVOKED_TWICE }, (_, v) => v).flatMap((v) =>
          v < REVOKED_ONCE
            ? [{ kind: 'revoke' as const, victim: v }]
            : [v, v].map((victim) => ({ kind: 'revoke' as const, victim })),
        ),
      ];
      for (let i = operations.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [operations[i], operations[j]] = [operations[j], operations[i]];
      }
      const killAfter = Math.floor(operations.length * (0.3 + 0.3 * random()));
      const burst = new HttpClient(first.baseUrl, { keepAlive: false });
      clients.push(burst);
      let answered = 0;
      let killedAtAnswer: number | null = null;
      const burstStarted = Date.now();
      const outcomes: Outcome[] = await Promise.all(
        operations.map(async (operation): Promise<Outcome> => {
          try {
            const response =
              operation.kind === 'create'
                ? await burst.post(`${API}/me/tokens`, {
                    headers: { cookie },
                    body: { name: operation.name, expiresInDays: 30 },
                  })
                : await burst.post(`${API}/me/tokens/${victims[operation.victim].id}/revoke`, {
                    headers: { cookie },
                  });
            answered += 1;
            if (answered === killAfter) {
              killedAtAnswer = answered;
              first.child.kill('SIGKILL');
            }
            return { operation, status: response.status, body: parseBody(response) };
          } catch (error) {
            return { operation, error: error instanceof Error ? error.message : String(error) };
          }
        }),
      );
      const burstMs = Date.now() - burstStarted;
      expect(await first.exited()).toEqual({ code: null, signal: 'SIGKILL' });
      burst.close();

      const answers = outcomes.filter((o) => o.status !== undefined);
      const cut = outcomes.filter((o) => o.error !== undefined);
      const creations = outcomes.filter((o) => o.operation.kind === 'create');
      const revocations = outcomes.filter((o) => o.operation.kind === 'revoke');
      const created = creations.filter((o) => o.status === 201);
      const revoked = revocations.filter((o) => o.status === 200);
      // The kill did land mid-burst: some answers before it, some requests cut by it.
      expect(killedAtAnswer).toBe(killAfter);
      expect(cut.length).toBeGreaterThan(0);
      // Answers are only the expected ones: 201 for a creation; 200 for a revocation, or 409
      // for the second of two revocations of one token; or 503 (a store is unavailable: "try
      // again shortly"), which must mean nothing was written — checked against the log below.
      const twice = (victim: number) => victim >= REVOKED_ONCE;
      const unexpected = answers.filter((o) =>
        o.status === 503
          ? false
          : o.operation.kind === 'create'
            ? o.status !== 201
            : !(o.status === 200 || (o.status === 409 && twice(o.operation.victim))),
      );
      expect(unexpected).toEqual([]);
      const refused = answers.filter((o) => o.status === 503);

      // 3. Restart on the same data folder.
      const restartStarted = Date.now();
      const second = await startServer({
        dataDir,
        env: SERVER_ENV,
        startTimeoutMs: TIMEOUT_MS / 2,
      });
      servers.push(second);
      const restartMs = Date.now() - restartStarted;
      const client = new HttpClient(second.baseUrl, { maxSockets: 8 });
      clients.push(client);
      const session = await client.signIn();
      // Every page of the listing (100 a page), following its Link headers.
      const listed: Array<{ id: string; status: string }> = [];
      for (let url: string | null = `${API}/me/tokens`; url !== null;) {
        const listing = await client.get(url, { headers: { cookie: session } });
        expect(listing.status).toBe(200);
        listed.push(...listing.json<Array<{ id: string; status: string }>>());
        const link = /^<([^>]+)>; rel="next"$/.exec(String(listing.headers.link ?? ''));
        url = link ? link[1] : null;
      }
      const statusById = new Map(listed.map((t) => [t.id, t.status]));
      const me = (token: string) =>
        client.get(`${API}/me`, { headers: { authorization: `Bearer ${token}` } });

      // Every creation answered 201 authenticates, as the token it created.
      const createdTokens = created.map((o) => ({ id: o.body!.id!, token: o.body!.token! }));
      const authenticated = await mapConcurrently(createdTokens, 8, async ({ id, token }) => {
        const response = await me(token);
        return {
          id,
          status: response.status,
          tokenId: response.json<{ tokenId?: string }>().tokenId,
        };
      });
      expect(authenticated.filter((a) => a.status !== 200 || a.tokenId !== a.id)).toEqual([]);
      for (const { id } of createdTokens) expect(statusById.get(id)).toBe('Active');

      // Every victim's fate per the read model: revoked when any revocation of it answered 200
      // or 409; the untouched ones still active.
      const victimAnswers = (victim: number) =>
        revocations.filter((o) => o.operation.kind === 'revoke' && o.operation.victim === victim);
      const mustBeRevoked = new Set<number>();
      /** No revocation of it answered 200 or 409: cut (either outcome) or refused (none). */
      const undecided = new Set<number>();
      for (let v = 0; v < REVOKED_ONCE + REVOKED_TWICE; v++) {
        const statuses = victimAnswers(v).map((o) => o.status);
        if (statuses.includes(200) || statuses.includes(409)) mustBeRevoked.add(v);
        else undecided.add(v);
        expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(1);
      }
      for (const v of mustBeRevoked) expect(statusById.get(victims[v].id)).toBe('Revoked');
      for (let v = REVOKED_ONCE + REVOKED_TWICE; v < VICTIMS; v++) undecided.add(v);
      // A revocation that was cut either happened or not — and bearer use agrees with the listing.
      const stillActive = [...undecided].filter((v) => statusById.get(victims[v].id) === 'Active');
      const revokedAnyway = [...undecided].filter(
        (v) => statusById.get(victims[v].id) === 'Revoked',
      );
      expect(stillActive.length + revokedAnyway.length).toBe(undecided.size);
      for (let v = REVOKED_ONCE + REVOKED_TWICE; v < VICTIMS; v++) expect(stillActive).toContain(v);
      const activeAnswers = await mapConcurrently(
        stillActive,
        8,
        async (v) => (await me(victims[v].token)).status,
      );
      expect(activeAnswers.filter((s) => s !== 200)).toEqual([]);

      // Revoked tokens are refused. Done last and one at a time: failed bearer attempts may be
      // rate limited (429), which still refuses them; the first refusal must say "revoked".
      const refusals: number[] = [];
      let revokedChallenges = 0;
      for (const v of [...mustBeRevoked, ...revokedAnyway]) {
        const response = await me(victims[v].token);
        refusals.push(response.status);
        if (isRevokedChallenge(response)) revokedChallenges += 1;
      }
      expect(refusals.filter((s) => s !== 401 && s !== 429)).toEqual([]);
      if (refusals.length > 0) expect(revokedChallenges).toBeGreaterThan(0);
      expect(refusals.filter((s) => s === 401).length).toBe(revokedChallenges);

      // 4. Quiesce, stop, then check the log itself and compare the read model with a replay.
      await waitForProjectionAtLogEnd(client, dataDir, TIMEOUT_MS / 4);
      client.close();
      const stopped = await second.stop();
      expect(stopped.code === 0 || stopped.signal === 'SIGTERM').toBe(true);

      const log = await readWholeLog(dataDir);
      expect(logViolations(log)).toEqual([]);
      const streams = new Map<string, string[]>();
      for (const event of log) {
        streams.set(event.streamName, [...(streams.get(event.streamName) ?? []), event.type]);
      }
      for (const { id } of createdTokens)
        expect(streams.get(`token-${id}`)?.[0]).toBe('TokenCreated');
      for (const v of [...mustBeRevoked, ...revokedAnyway]) {
        expect(streams.get(`token-${victims[v].id}`)).toContain('TokenRevoked');
      }
      for (const v of stillActive) {
        expect(streams.get(`token-${victims[v].id}`)).not.toContain('TokenRevoked');
      }
      // Each burst creation happened at most once; the answered ones exactly once.
      const burstNames = log
        .filter((e) => e.type === 'TokenCreated')
        .map((e) => (e.data as { name: string }).name)
        .filter((name) => name.startsWith('burst-'));
      expect(new Set(burstNames).size).toBe(burstNames.length);
      // A refusal (503, "try again shortly") wrote nothing: a client that follows its advice must
      // not end up with two tokens, nor believe a revoked token is still active.
      const refusedButWritten = refused
        .filter((o) =>
          o.operation.kind === 'create'
            ? burstNames.includes(o.operation.name)
            : !twice(o.operation.victim) &&
              streams.get(`token-${victims[o.operation.victim].id}`)!.includes('TokenRevoked'),
        )
        .map((o) =>
          o.operation.kind === 'create'
            ? `create ${o.operation.name}: answered 503, yet its TokenCreated is in the log`
            : `revoke victim-${o.operation.victim}: answered 503, yet its TokenRevoked is in the log`,
        );
      expect(refusedButWritten).toEqual([]);
      const cutCreations = creations.filter((o) => o.error !== undefined).length;
      expect(burstNames.length).toBeGreaterThanOrEqual(created.length);
      expect(burstNames.length).toBeLessThanOrEqual(created.length + cutCreations);

      const { events, differences } = await compareWithReplay(dataDir);
      expect(differences).toEqual([]);

      console.log(
        `crash: seed=${seed} requests=${outcomes.length} killAfter=${killAfter} answered=${answers.length} ` +
          `cut=${cut.length} created201=${created.length} revoked200=${revoked.length} ` +
          `revoked409=${revocations.filter((o) => o.status === 409).length} refused503=${refused.length} ` +
          `cutCreationsPersisted=${burstNames.length - created.length}/${cutCreations} ` +
          `unansweredRevocationsPersisted=${revokedAnyway.length}/${undecided.size - UNTOUCHED} ` +
          `refusals401=${revokedChallenges} refusals429=${refusals.filter((s) => s === 429).length} ` +
          `events=${events} burstMs=${burstMs} restartMs=${restartMs} totalMs=${Date.now() - started}`,
      );
    },
    TIMEOUT_MS,
  );
});
