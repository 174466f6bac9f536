import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BurstOutcome,
  HttpClient,
  ServerProcess,
  assertBuilt,
  bodyOf,
  burstThenKill,
  isRevokedChallenge,
  mapConcurrently,
  runCli,
  seededRandom,
  startServer,
  waitUntilReady,
} from '../support/spawn-server';
import { API, dropReadModel } from '../support/test-app';
import {
  compareWithReplay,
  creationsByName,
  logViolations,
  readWholeLog,
  revokedTokenIds,
  usesEmbeddedEventLog,
  waitForProjectionAtLogEnd,
} from './log-checks';

/**
 * Repeated SIGKILL of the built process on one DATA_DIR. Each round: a burst of concurrent
 * creations, revocations (some of one token twice at once, some of tokens revoked in earlier
 * rounds) and bearer requests with revoked tokens; SIGKILL at a random answer (plus 0–4 ms);
 * restart. After each restart, every token ever answered as created authenticates unless
 * revoked, and every token ever answered as revoked (or found revoked) is refused as revoked —
 * all of them, every round; then, with the server stopped, the log holds each acknowledged
 * write exactly once and nothing twice, and the read model equals a replay of the log (what
 * `verify-read-model` checks, done in this process each round; the CLI itself runs at the end).
 * The embedded read model is locked by a running server, hence the stop and a second start per
 * round: that is most of the run's time.
 *
 * KILL_LOOP_SEED=<n> replays a run's plan and kill points (the seed is printed first);
 * KILL_LOOP_ROUNDS sets the number of kills (at least 20 is the acceptance bar).
 */
const ROUNDS = Number(process.env.KILL_LOOP_ROUNDS ?? 20);
const SEED = Number(process.env.KILL_LOOP_SEED ?? Date.now() % 2 ** 31);
/** Per burst: fresh creations, revocations of active tokens (a third of them sent twice at once),
 *  revocations of tokens already revoked, and bearer requests with revoked tokens. */
const CREATIONS = 20;
const REVOCATIONS = 9;
const REPEAT_REVOCATIONS = 2;
const REVOKED_PROBES = 4;
/** Tokens created (and answered) before the first burst, so that the first burst revokes too. */
const INITIAL_TOKENS = 8;
/**
 * The kill lands 0 to MAX_KILL_DELAY_MS after the answer numbered 1 to KILL_WINDOW × the
 * burst's size (so some requests stay cut, and the server is caught at any step of a request).
 */
const KILL_WINDOW = 0.8;
const MAX_KILL_DELAY_MS = 4;
/** Bounds of the whole run; see the README for what it takes (two starts per round dominate). */
const TIMEOUT_MS = process.env.MONGODB_URI ? 900_000 : 300_000;
/** Failed bearer attempts are the point here: the limiter must not turn 401s into 429s. */
// One user creates every token here: more than the default active-token cap of 100.
const SERVER_ENV = { BEARER_FAILURE_LIMIT: '1000000', MAX_ACTIVE_TOKENS_PER_USER: '10000' };

/** What the client knows of a token it created. `unknown`: a revocation was cut or undecided. */
interface KnownToken {
  readonly id: string;
  readonly token: string;
  readonly name: string;
  revoked: 'no' | 'yes' | 'unknown';
}

type Operation =
  | { readonly kind: 'create'; readonly name: string }
  | { readonly kind: 'revoke'; readonly target: KnownToken; readonly wasRevoked: boolean }
  | { readonly kind: 'probe'; readonly target: KnownToken };

/** "Recorded but not visible yet" (503): the change is in the log and must stay there. */
const RECORDED_NOT_VISIBLE = /\brecorded\b/i;
const ALREADY_REVOKED = /already revoked/i;

interface Figures {
  kills: number;
  requests: number;
  cut: number;
  created201: number;
  revoked200: number;
  recorded503: number;
  refused503: number;
  conflicts409: number;
  cutCreationsPersisted: number;
  cutCreations: number;
  undecidedRevocationsPersisted: number;
  undecidedRevocations: number;
  revokedChecks: number;
  activeChecks: number;
  verifications: number;
  lost: number;
  doubled: number;
  revived: number;
  events: number;
  /** Milliseconds spent per phase, over all rounds. */
  phaseMs: Record<'start' | 'burst' | 'checks' | 'log' | 'verify', number>;
}

const describeEmbeddedLog = usesEmbeddedEventLog ? describe : describe.skip;

describeEmbeddedLog(
  'Crash safety: repeated SIGKILL during bursts of creations and revocations',
  () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pat-kill-loop-'));
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
      `loses no acknowledged write, doubles nothing and revives no revoked token over ${ROUNDS} kills`,
      async () => {
        console.log(`kill-loop: seed=${SEED} (KILL_LOOP_SEED=${SEED} replays it)`);
        const started = Date.now();
        const random = seededRandom(SEED);
        const pick = <T>(items: readonly T[], count: number): T[] => {
          const copy = [...items];
          for (let i = copy.length - 1; i > 0; i--) {
            const j = Math.floor(random() * (i + 1));
            [copy[i], copy[j]] = [copy[j], copy[i]];
          }
          return copy.slice(0, count);
        };
        const figures: Figures = {
          kills: 0,
          requests: 0,
          cut: 0,
          created201: 0,
          revoked200: 0,
          recorded503: 0,
          refused503: 0,
          conflicts409: 0,
          cutCreationsPersisted: 0,
          cutCreations: 0,
          undecidedRevocationsPersisted: 0,
          undecidedRevocations: 0,
          revokedChecks: 0,
          activeChecks: 0,
          verifications: 0,
          lost: 0,
          doubled: 0,
          revived: 0,
          events: 0,
          phaseMs: { start: 0, burst: 0, checks: 0, log: 0, verify: 0 },
        };
        let lapStarted = Date.now();
        /** Adds the time since the last lap to `phase`. */
        const lap = (phase: keyof Figures['phaseMs']) => {
          figures.phaseMs[phase] += Date.now() - lapStarted;
          lapStarted = Date.now();
        };
        const summary = () =>
          `kill-loop: seed=${SEED} kills=${figures.kills} requests=${figures.requests} ` +
          `acknowledgedWrites=${figures.created201 + figures.revoked200 + figures.recorded503} ` +
          `(created201=${figures.created201} revoked200=${figures.revoked200} ` +
          `recorded503=${figures.recorded503}) conflicts409=${figures.conflicts409} ` +
          `refused503=${figures.refused503} cut=${figures.cut} ` +
          `cutCreationsPersisted=${figures.cutCreationsPersisted}/${figures.cutCreations} ` +
          `undecidedRevocationsPersisted=${figures.undecidedRevocationsPersisted}/${figures.undecidedRevocations} ` +
          `lost=${figures.lost} doubled=${figures.doubled} revokedTokenAccepted=${figures.revived} ` +
          `revokedChecks=${figures.revokedChecks} activeChecks=${figures.activeChecks} ` +
          `readModelEqualsReplay=${figures.verifications}/${figures.kills} events=${figures.events} ` +
          `totalMs=${Date.now() - started} ` +
          `(${Object.entries(figures.phaseMs)
            .map(([phase, ms]) => `${phase}=${ms}`)
            .join(' ')})`;

        const tokens: KnownToken[] = [];
        /** Names of every creation sent, with what its answer says must be in the log. */
        const creations = new Map<string, 'one' | 'none' | 'at-most-one'>();
        const problems: string[] = [];
        const fail = (kind: 'lost' | 'doubled' | 'revived' | 'other', text: string) => {
          if (kind !== 'other') figures[kind] += 1;
          problems.push(text);
        };

        const start = async () => {
          const server = await startServer({
            dataDir,
            env: SERVER_ENV,
            startTimeoutMs: TIMEOUT_MS / 10,
          });
          servers.push(server);
          const client = new HttpClient(server.baseUrl, { maxSockets: 8 });
          clients.push(client);
          return { server, client };
        };
        const me = (client: HttpClient, token: string) =>
          client.get(`${API}/me`, { headers: { authorization: `Bearer ${token}` } });

        /**
         * Every decided token answers as it must: revoked ones 401 "revoked", the others 200 as
         * themselves. The first pass is sent at once after the start, before readiness: there a
         * revoked token must already be refused (fail closed) while other answers (a 503 while
         * the service catches up) are asked again once `/health/ready` says 200.
         */
        const checkTokens = async (
          client: HttpClient,
          which: readonly KnownToken[],
          when: string,
        ) => {
          const decided = which.filter((known) => known.revoked !== 'unknown');
          const again: KnownToken[] = [];
          const check = async (known: KnownToken, ready: boolean) => {
            const response = await me(client, known.token);
            if (known.revoked === 'yes') {
              figures.revokedChecks += 1;
              if (response.status >= 200 && response.status < 300) {
                fail(
                  'revived',
                  `${when}${ready ? '' : ' (before readiness)'}: revoked token ${known.name} (${known.id}) answered ${response.status}`,
                );
                return;
              }
              if (isRevokedChallenge(response)) return;
            } else {
              figures.activeChecks += 1;
              const tokenId =
                response.status === 200 ? bodyOf<{ tokenId: string }>(response).tokenId : undefined;
              if (response.status === 200 && tokenId === known.id) return;
            }
            if (!ready) again.push(known);
            else if (known.revoked === 'yes') {
              fail(
                'other',
                `${when}: revoked token ${known.name} answered ${response.status} ${response.text}, not 401 revoked`,
              );
            } else {
              fail(
                'lost',
                `${when}: created token ${known.name} (${known.id}) answered ${response.status}: ${response.text}`,
              );
            }
          };
          await mapConcurrently(decided, 8, (known) => check(known, false));
          await waitUntilReady(client, TIMEOUT_MS / 10);
          await mapConcurrently(again, 8, (known) => check(known, true));
        };

        const failOnProblems = (round: number) => {
          if (problems.length === 0) return;
          console.log(summary());
          throw new Error(
            `kill-loop round ${round} (KILL_LOOP_SEED=${SEED}):\n${problems.join('\n')}`,
          );
        };

        // The first server, signed in, with tokens for the first burst to revoke.
        let { server, client } = await start();
        let cookie = await client.signIn();
        for (let i = 0; i < INITIAL_TOKENS; i++) {
          const name = `kl-0-${i}`;
          const response = await client.post(`${API}/me/tokens`, {
            headers: { cookie },
            body: { name, expiresInDays: 30 },
          });
          expect(response.status).toBe(201);
          const { id, token } = response.json<{ id: string; token: string }>();
          tokens.push({ id, token, name, revoked: 'no' });
          creations.set(name, 'one');
        }

        for (let round = 1; round <= ROUNDS; round++) {
          // 1. The burst, in a seeded random order, and the kill point.
          const active = tokens.filter((t) => t.revoked === 'no');
          const revoked = tokens.filter((t) => t.revoked === 'yes');
          const targets = pick(active, REVOCATIONS);
          const operations: Operation[] = pick(
            [
              ...Array.from({ length: CREATIONS }, (_, i) => ({
                kind: 'create' as const,
                name: `kl-${round}-${i}`,
              })),
              ...targets.flatMap((target, i) =>
                Array.from({ length: i % 3 === 0 ? 2 : 1 }, () => ({
                  kind: 'revoke' as const,
                  target,
                  wasRevoked: false,
                })),
              ),
              ...pick(revoked, REPEAT_REVOCATIONS).map((target) => ({
                kind: 'revoke' as const,
                target,
                wasRevoked: true,
              })),
              ...pick(revoked, REVOKED_PROBES).map((target) => ({
                kind: 'probe' as const,
                target,
              })),
            ],
            Infinity,
          );
          const killAfter = 1 + Math.floor(random() * Math.floor(operations.length * KILL_WINDOW));
          const killDelayMs = Math.floor(random() * MAX_KILL_DELAY_MS);
          for (const op of operations)
            if (op.kind === 'create') creations.set(op.name, 'at-most-one');
          lap('checks');
          const outcomes = await burstThenKill(
            server,
            operations,
            killAfter,
            (burst, op) =>
              op.kind === 'create'
                ? burst.post(`${API}/me/tokens`, {
                    headers: { cookie },
                    body: { name: op.name, expiresInDays: 30 },
                  })
                : op.kind === 'revoke'
                  ? burst.post(`${API}/me/tokens/${op.target.id}/revoke`, { headers: { cookie } })
                  : me(burst, op.target.token),
            killDelayMs,
          );
          expect(await server.exited()).toEqual({ code: null, signal: 'SIGKILL' });
          lap('burst');
          client.close();
          figures.kills += 1;
          figures.requests += outcomes.length;
          const cut = outcomes.filter((o) => o.error !== undefined).length;
          figures.cut += cut;
          // The kill landed mid-burst: some requests answered, some cut.
          expect(cut).toBeGreaterThan(0);
          expect(outcomes.length - cut).toBeGreaterThanOrEqual(killAfter);

          // 2. What the answers say must now hold.
          const revocationsOf = new Map<KnownToken, Array<BurstOutcome<Operation>>>();
          for (const outcome of outcomes) {
            const { operation: op, response } = outcome;
            const status = response?.status;
            const message = response ? String(bodyOf(response).message ?? response.text) : '';
            const answer = `round ${round}: ${op.kind} ${op.kind === 'create' ? op.name : op.target.name} answered ${status} ${response?.text}`;
            if (op.kind === 'create') {
              if (status === undefined) continue;
              const { id, token } = bodyOf<{ id: string; token: string }>(response!);
              if (status === 201 && id && token) {
                figures.created201 += 1;
                tokens.push({ id, token, name: op.name, revoked: 'no' });
                creations.set(op.name, 'one');
              } else if (status === 503 && RECORDED_NOT_VISIBLE.test(message)) {
                figures.recorded503 += 1;
                creations.set(op.name, 'one');
              } else if (status === 503) {
                figures.refused503 += 1;
                creations.set(op.name, 'none');
              } else fail('other', `${answer}: unexpected`);
            } else if (op.kind === 'probe') {
              if (status !== undefined && status >= 200 && status < 300) {
                fail('revived', `${answer}: a revoked token authenticated during the burst`);
              } else if (status !== undefined && ![401, 503].includes(status)) {
                fail('other', `${answer}: unexpected`);
              }
            } else {
              revocationsOf.set(op.target, [...(revocationsOf.get(op.target) ?? []), outcome]);
              if (status === 200 && op.wasRevoked) {
                fail('doubled', `${answer}: the token was revoked in an earlier round`);
              }
            }
          }
          /** Tokens whose every revocation this round was refused (plain 503): none recorded. */
          const refusedOnly = new Set<KnownToken>();
          for (const [target, attempts] of revocationsOf) {
            const statuses = attempts.map((o) => o.response?.status);
            const messages = attempts.map((o) =>
              o.response ? String(bodyOf(o.response).message ?? o.response.text) : '',
            );
            const ok = statuses.filter((s) => s === 200).length;
            const alreadyRevoked = statuses.some(
              (s, i) => s === 409 && ALREADY_REVOKED.test(messages[i]),
            );
            const recorded = statuses.some(
              (s, i) => s === 503 && RECORDED_NOT_VISIBLE.test(messages[i]),
            );
            figures.revoked200 += ok;
            figures.recorded503 += statuses.filter(
              (s, i) => s === 503 && RECORDED_NOT_VISIBLE.test(messages[i]),
            ).length;
            figures.refused503 += statuses.filter(
              (s, i) => s === 503 && !RECORDED_NOT_VISIBLE.test(messages[i]),
            ).length;
            figures.conflicts409 += statuses.filter((s) => s === 409).length;
            if (ok > 1)
              fail('doubled', `round ${round}: ${ok} revocations of ${target.name} answered 200`);
            const unexpected = attempts.filter(
              (o) => o.response && ![200, 409, 503].includes(o.response.status),
            );
            for (const o of unexpected) {
              fail(
                'other',
                `round ${round}: revoke ${target.name} answered ${o.response!.status} ${o.response!.text}`,
              );
            }
            if (target.revoked === 'yes') continue;
            if (ok > 0 || alreadyRevoked || recorded) target.revoked = 'yes';
            else {
              target.revoked = 'unknown';
              figures.undecidedRevocations += 1;
              if (statuses.every((s) => s === 503)) refusedOnly.add(target);
            }
          }

          // 3. Restart on the same data. Before readiness nothing revoked may work (fail closed);
          // once ready, every decided token answers as decided.
          ({ server, client } = await start());
          lap('start');
          await checkTokens(client, tokens, `round ${round}, after the restart`);
          failOnProblems(round);
          lap('checks');

          // 4. Quiesce, stop; the log holds every acknowledged write once and nothing twice, and
          // the operator's verify-read-model finds no difference.
          await waitForProjectionAtLogEnd(client, dataDir, TIMEOUT_MS / 10);
          client.close();
          const stopped = await server.stop();
          expect(stopped.code === 0 || stopped.signal === 'SIGTERM').toBe(true);
          const log = await readWholeLog(dataDir);
          figures.events = log.length;
          for (const violation of logViolations(log))
            fail('doubled', `round ${round}: ${violation}`);
          const byName = creationsByName(log);
          for (const [name, expected] of creations) {
            const found = byName.get(name) ?? [];
            if (found.length > 1)
              fail('doubled', `round ${round}: ${found.length} TokenCreated named ${name}`);
            if (expected === 'one' && found.length === 0) {
              fail(
                'lost',
                `round ${round}: creation ${name} was answered as done, but no TokenCreated`,
              );
            }
            if (expected === 'none' && found.length > 0) {
              fail(
                'other',
                `round ${round}: creation ${name} answered 503 "try again", yet it is in the log`,
              );
            }
            if (expected === 'at-most-one') {
              figures.cutCreations += 1;
              if (found.length > 0) figures.cutCreationsPersisted += 1;
              // Settled now: the process that could have written it is dead.
              creations.set(name, found.length > 0 ? 'one' : 'none');
            }
          }
          for (const known of tokens) {
            const created = byName.get(known.name) ?? [];
            if (created.length === 1 && created[0].streamName !== `token-${known.id}`) {
              fail(
                'other',
                `round ${round}: ${known.name} was answered as ${known.id}, logged as ${created[0].streamName}`,
              );
            }
          }
          const revokedInLog = revokedTokenIds(log);
          for (const known of tokens) {
            const inLog = revokedInLog.has(known.id);
            if (known.revoked === 'yes' && !inLog) {
              fail(
                'lost',
                `round ${round}: ${known.name} was answered as revoked, but no TokenRevoked`,
              );
            } else if (known.revoked === 'no' && inLog) {
              fail(
                'other',
                `round ${round}: ${known.name} was never revoked, yet a TokenRevoked is logged`,
              );
            } else if (known.revoked === 'unknown') {
              if (inLog && refusedOnly.has(known)) {
                fail(
                  'other',
                  `round ${round}: revoke ${known.name} answered 503 "try again", yet it is in the log`,
                );
              }
              if (inLog) figures.undecidedRevocationsPersisted += 1;
              known.revoked = inLog ? 'yes' : 'no';
            }
          }
          lap('log');
          // What verify-read-model does (replay the log into a scratch read model, compare),
          // in this process: the CLI itself would add a Node and Nest start per round.
          const { differences } = await compareWithReplay(dataDir);
          if (differences.length === 0) figures.verifications += 1;
          else {
            fail(
              'other',
              `round ${round}: ${differences.length} difference(s) between the read model and a replay, e.g. ${JSON.stringify(differences.slice(0, 3))}`,
            );
          }
          failOnProblems(round);
          lap('verify');

          // 5. The server for the next burst; revocations settled from the log hold on it too.
          ({ server, client } = await start());
          lap('start');
          await checkTokens(
            client,
            tokens.filter((t) => revocationsOf.has(t)),
            `round ${round}, next start`,
          );
          // Sessions are kept in the stores too; sign in again only when the kill lost it.
          const session = await client.get(`${API}/me`, { headers: { cookie } });
          if (session.status !== 200) cookie = await client.signIn();
          failOnProblems(round);
        }

        client.close();
        await server.stop();
        // And the operator's own command, once, on the data of the whole run.
        const verified = await runCli(dataDir, ['verify-read-model'], TIMEOUT_MS / 10);
        lap('verify');
        console.log(summary());
        expect({ code: verified.code, stderr: verified.stderr }).toEqual({ code: 0, stderr: '' });
        expect(verified.stdout).toMatch(/^OK: the read model matches a replay of \d+ events/m);
        expect(figures.kills).toBe(ROUNDS);
        expect(figures.verifications).toBe(ROUNDS);
        expect(figures.lost + figures.doubled + figures.revived).toBe(0);
        expect(problems).toEqual([]);
      },
      TIMEOUT_MS,
    );
  },
);
