import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HttpClient,
  HttpResponse,
  ServerProcess,
  assertBuilt,
  rssKiB,
  seededRandom,
  startServer,
} from '../support/spawn-server';
import { API, dropReadModel } from '../support/test-app';
import {
  compareWithReplay,
  logViolations,
  median,
  readWholeLog,
  usesEmbeddedEventLog,
  waitForProjectionAtLogEnd,
} from './log-checks';

/**
 * A bounded soak of the built process: CONCURRENCY requests in flight for SOAK_SECONDS (10 by
 * default; the README reports a 60 s run), ~90 % authenticated reads with bearer tokens, the
 * rest token creations and revocations and logins (a few of them failed on purpose). Checks:
 * no 5xx and no unexpected status, no network error, the server's RSS flat after warm-up, and
 * the projection back at the end of the log when the load stops.
 *
 * SOAK_SECONDS, SOAK_CONCURRENCY and SOAK_SEED adjust the run; the summary is one console line.
 */
const SECONDS = Number(process.env.SOAK_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 20);
const READER_TOKENS = 10;
/** Last-quarter median RSS may exceed the second-quarter median by at most this factor. */
const RSS_GROWTH_BOUND = 1.5;

type OperationName =
  'me' | 'list' | 'create' | 'revoke' | 'login' | 'login-session-list' | 'failed-login';

/** Cumulative weights (per mille) of the mix: 90 % reads. */
const MIX: ReadonlyArray<readonly [OperationName, number]> = [
  ['me', 450],
  ['list', 900],
  ['create', 950],
  ['revoke', 985],
  ['login', 993],
  ['login-session-list', 998],
  ['failed-login', 1000],
];

/** What each operation may answer; anything else fails the run. */
const EXPECTED: Record<OperationName, readonly number[]> = {
  me: [200],
  list: [200],
  create: [201],
  revoke: [200],
  login: [200],
  'login-session-list': [200],
  // A wrong password: 401, or 429 once repeated failures are rate limited.
  'failed-login': [401, 429],
};

interface RssSample {
  readonly atMs: number;
  readonly kib: number;
}

const mib = (kib: number) => Math.round((kib / 1024) * 10) / 10;

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const describeEmbedded = usesEmbeddedEventLog ? describe : describe.skip;

describeEmbedded(`Soak: ${SECONDS} s of mixed traffic at ${CONCURRENCY} in flight`, () => {
  const seed = Number(process.env.SOAK_SEED ?? Date.now() % 2 ** 31);
  const dataDir = mkdtempSync(join(tmpdir(), 'pat-soak-'));
  let server: ServerProcess | undefined;
  let client: HttpClient | undefined;

  beforeAll(assertBuilt);

  afterAll(async () => {
    client?.close();
    await server?.kill();
    if (process.env.MONGODB_URI) await dropReadModel(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'answers without 5xx, keeps its memory flat and its projection caught up',
    async () => {
      const random = seededRandom(seed);
      // The writer's session creates tokens for the whole run: more than the default cap of 100
      // active, and for longer than its password proof lasts with a long SOAK_SECONDS
      // (docs/design/contract.md §10).
      server = await startServer({
        dataDir,
        env: { MAX_ACTIVE_TOKENS_PER_USER: '10000', REAUTH_WINDOW_MINUTES: '1440' },
      });
      const http = new HttpClient(server.baseUrl, { maxSockets: CONCURRENCY });
      client = http;

      // Setup: a reader whose tokens carry the reads, a writer who creates and revokes.
      const admin = await http.signIn();
      const users = {
        reader: { username: 'soak-reader', password: 'soak-reader-password' },
        writer: { username: 'soak-writer', password: 'soak-writer-password' },
      };
      for (const user of Object.values(users)) {
        const response = await http.post(`${API}/admin/users`, {
          headers: { cookie: admin },
          body: user,
        });
        expect(response.status).toBe(201);
      }
      const reader = await http.signIn(users.reader.username, users.reader.password);
      const writer = await http.signIn(users.writer.username, users.writer.password);
      const readerTokens: string[] = [];
      for (let i = 0; i < READER_TOKENS; i++) {
        const response = await http.post(`${API}/me/tokens`, {
          headers: { cookie: reader },
          body: { name: `reader-${i}`, expiresInDays: 30 },
        });
        expect(response.status).toBe(201);
        readerTokens.push(response.json<{ token: string }>().token);
      }

      // The load.
      const revocable: string[] = [];
      const counts = new Map<string, number>();
      const statuses = new Map<number, number>();
      const unexpected: string[] = [];
      const networkErrors: string[] = [];
      const latencies: number[] = [];
      let requests = 0;
      const pick = (): OperationName => {
        const roll = random() * 1000;
        return MIX.find(([, upTo]) => roll < upTo)![0];
      };
      const bearer = () => ({
        authorization: `Bearer ${readerTokens[Math.floor(random() * readerTokens.length)]}`,
      });
      const perform = async (operation: OperationName): Promise<HttpResponse> => {
        switch (operation) {
          case 'me':
            return http.get(`${API}/me`, { headers: bearer() });
          case 'list':
            return http.get(`${API}/me/tokens`, { headers: bearer() });
          case 'create': {
            const response = await http.post(`${API}/me/tokens`, {
              headers: { cookie: writer },
              body: { name: `soak-${requests}`, expiresInDays: 7 },
            });
            if (response.status === 201) revocable.push(response.json<{ id: string }>().id);
            return response;
          }
          case 'revoke':
            return http.post(`${API}/me/tokens/${revocable.shift()}/revoke`, {
              headers: { cookie: writer },
            });
          case 'login':
            return http.post(`${API}/session`, { body: users.reader });
          case 'login-session-list': {
            const cookie = await http.signIn(users.writer.username, users.writer.password);
            return http.get(`${API}/me/tokens`, { headers: { cookie } });
          }
          case 'failed-login':
            // A name of its own: failed sign-ins may lock out their (client, username) pair.
            return http.post(`${API}/session`, {
              body: { username: 'soak-intruder', password: 'not-the-password' },
            });
        }
      };

      const started = Date.now();
      const deadline = started + SECONDS * 1000;
      const rss: RssSample[] = [{ atMs: 0, kib: rssKiB(server.pid)! }];
      const sampler = setInterval(() => {
        const kib = rssKiB(server!.pid);
        if (kib !== null) rss.push({ atMs: Date.now() - started, kib });
      }, 1000);
      const worker = async () => {
        while (Date.now() < deadline) {
          let operation = pick();
          if (operation === 'revoke' && revocable.length === 0) operation = 'create';
          const begun = performance.now();
          try {
            const response = await perform(operation);
            latencies.push(performance.now() - begun);
            requests += operation === 'login-session-list' ? 2 : 1;
            const key = `${operation} ${response.status}`;
            counts.set(key, (counts.get(key) ?? 0) + 1);
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            if (!EXPECTED[operation].includes(response.status)) {
              if (unexpected.length < 20) unexpected.push(`${key}: ${response.text.slice(0, 200)}`);
            }
          } catch (error) {
            requests += 1;
            networkErrors.push(
              `${operation}: ${error instanceof Error ? error.message : String(error)}`,
            );
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      } finally {
        clearInterval(sampler);
      }
      const elapsedS = (Date.now() - started) / 1000;
      rss.push({ atMs: Date.now() - started, kib: rssKiB(server.pid)! });

      // The projection returns to the end of the log once the load stops.
      const readiness = await waitForProjectionAtLogEnd(http, dataDir);
      http.close();
      const stopped = await server.stop();
      expect(stopped.code === 0 || stopped.signal === 'SIGTERM').toBe(true);
      const log = await readWholeLog(dataDir);
      expect(readiness.position).toBe(log[log.length - 1].position);
      expect(logViolations(log)).toEqual([]);
      const { differences } = await compareWithReplay(dataDir);

      // Memory: after a warm-up of 20 %, the last quarter's median against the second quarter's.
      const total = elapsedS * 1000;
      const window = (from: number, to: number) =>
        rss.filter((s) => s.atMs >= from * total && s.atMs <= to * total).map((s) => s.kib);
      const secondQuarter = median(window(0.25, 0.5));
      const lastQuarter = median(window(0.75, 1));
      const fiveXX = [...statuses].filter(([s]) => s >= 500).reduce((sum, [, n]) => sum + n, 0);

      console.log(
        `soak: seconds=${elapsedS.toFixed(1)} concurrency=${CONCURRENCY} seed=${seed} ` +
          `requests=${requests} rate=${Math.round(requests / elapsedS)}/s ` +
          `statuses=${JSON.stringify(Object.fromEntries([...statuses].sort()))} 5xx=${fiveXX} ` +
          `networkErrors=${networkErrors.length} ` +
          `ops=${JSON.stringify(Object.fromEntries([...counts].sort()))} ` +
          `latencyMs(p50/p99/max)=${percentile(latencies, 50).toFixed(1)}/` +
          `${percentile(latencies, 99).toFixed(1)}/${Math.max(...latencies).toFixed(1)} ` +
          `rssMiB(start/q2median/q4median/end/max)=${mib(rss[0].kib)}/${mib(secondQuarter)}/` +
          `${mib(lastQuarter)}/${mib(rss[rss.length - 1].kib)}/${mib(Math.max(...rss.map((s) => s.kib)))} ` +
          `projection=${readiness.position}@log-end after ${readiness.waitedMs} ms ` +
          `events=${log.length} replayDiffs=${differences.length}`,
      );
      console.log(
        `soak rss samples (s:MiB): ${rss.map((s) => `${Math.round(s.atMs / 1000)}:${mib(s.kib)}`).join(' ')}`,
      );

      expect(fiveXX).toBe(0);
      expect(networkErrors.slice(0, 20)).toEqual([]);
      expect(unexpected).toEqual([]);
      expect(requests).toBeGreaterThan(0);
      expect(lastQuarter).toBeLessThanOrEqual(secondQuarter * RSS_GROWTH_BOUND);
      expect(differences).toEqual([]);
    },
    (SECONDS + 90) * 1000,
  );
});
