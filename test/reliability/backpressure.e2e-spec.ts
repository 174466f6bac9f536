import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HttpClient,
  HttpResponse,
  ServerProcess,
  assertBuilt,
  rssKiB,
  startServer,
  waitFor,
} from '../support/spawn-server';
import { OwnFerretDb } from '../support/ferretdb';
import { API } from '../support/test-app';
import { median } from './log-checks';

/**
 * Issue 13, "no hang, no unbounded buffering", against the built process:
 * - 50 clients that pipeline requests and never read their answers: another client's requests
 *   are not delayed by more than 1 s, the flooding connections are cut, and the server's RSS
 *   comes back to within 20 % of its level before them;
 * - the MongoDB read model's server frozen (SIGSTOP) for 30 s: every request (REST, MCP,
 *   readiness) answers 503 with Retry-After within the bound, and the service recovers on SIGCONT.
 */

const ATTACKERS = 50;
/** Pipelined requests written at a time by each attacker (about 100 kB). */
const REQUESTS_PER_WRITE = 500;
const ATTACK_MS = 10_000;
const ALLOWED_DELAY_MS = 1000;
const RSS_BOUND = 1.2;

/**
 * The non-reading clients: FLOOD_CLIENTS raw sockets that write pipelined `GET /api/v1/me`
 * requests whenever the socket takes more, and never read. On "stop" on stdin, prints
 * {cut, stillOpen, bytesWritten} as one JSON line and exits.
 */
const FLOOD_SCRIPT = `
const net = require('node:net');
const env = process.env;
const one = 'GET /api/v1/me HTTP/1.1\\r\\nHost: 127.0.0.1:' + env.FLOOD_PORT +
  '\\r\\nAuthorization: Bearer ' + env.FLOOD_TOKEN + '\\r\\n\\r\\n';
const burst = Buffer.from(one.repeat(Number(env.FLOOD_REQUESTS_PER_WRITE)));
const sockets = [];
let connected = 0, cut = 0, stopping = false;
for (let i = 0; i < Number(env.FLOOD_CLIENTS); i++) {
  const socket = net.connect(Number(env.FLOOD_PORT), '127.0.0.1');
  socket.pause();
  const writeMore = () => { while (!stopping && !socket.destroyed && socket.write(burst)); };
  socket.on('connect', () => {
    if (++connected === Number(env.FLOOD_CLIENTS)) process.stdout.write('connected\\n');
    writeMore();
  });
  socket.on('drain', writeMore);
  socket.on('error', () => {});
  socket.on('close', () => { if (!stopping) cut++; });
  sockets.push(socket);
}
process.stdin.on('data', () => {
  stopping = true;
  const stillOpen = sockets.filter((s) => !s.destroyed).length;
  const bytesWritten = sockets.reduce((sum, s) => sum + s.bytesWritten, 0);
  for (const s of sockets) s.destroy();
  process.stdout.write(JSON.stringify({ cut, stillOpen, bytesWritten }) + '\\n');
  process.exit(0);
});
process.stdin.on('end', () => process.exit(0));
`;

async function tokenFor(http: HttpClient): Promise<{ cookie: string; token: string }> {
  const cookie = await http.signIn();
  const created = await http.post(`${API}/me/tokens`, {
    headers: { Cookie: cookie },
    body: { name: 'backpressure', expiresInDays: 7 },
  });
  if (created.status !== 201) throw new Error(`create answered ${created.status}`);
  return { cookie, token: created.json<{ token: string }>().token };
}

async function timed(work: () => Promise<HttpResponse>): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const response = await work();
  return { ms: performance.now() - started, status: response.status };
}

describe('Clients that pipeline requests and never read (built process)', () => {
  let dataDir: string;
  let server: ServerProcess;
  let http: HttpClient;

  beforeAll(async () => {
    assertBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'pat-backpressure-'));
    server = await startServer({ dataDir });
    http = new HttpClient(server.baseUrl, { maxSockets: 1 });
  });
  afterAll(async () => {
    http?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delays no other client by more than 1 s and gives the memory back', async () => {
    const { token } = await tokenFor(http);
    const me = () => http.get(`${API}/me`, { headers: { Authorization: `Bearer ${token}` } });
    // Warm up (JIT, pools, caches) before the baseline is taken.
    for (let i = 0; i < 300; i++) expect((await me()).status).toBe(200);
    const baselineLatency: number[] = [];
    for (let i = 0; i < 30; i++) baselineLatency.push((await timed(me)).ms);
    const rssSamples: number[] = [];
    for (let i = 0; i < 5; i++) {
      rssSamples.push(rssKiB(server.pid)!);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const rssBefore = median(rssSamples);

    // The flood runs in a process of its own, so that its writes do not slow the measuring client.
    const flood = spawn(process.execPath, ['-e', FLOOD_SCRIPT], {
      env: {
        PATH: process.env.PATH ?? '',
        FLOOD_PORT: String(server.port),
        FLOOD_TOKEN: token,
        FLOOD_CLIENTS: String(ATTACKERS),
        FLOOD_REQUESTS_PER_WRITE: String(REQUESTS_PER_WRITE),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let floodOutput = '';
    flood.stdout.on('data', (chunk: Buffer) => (floodOutput += chunk.toString()));
    const floodEnded = new Promise((resolve) => flood.on('exit', resolve));
    // Measured from the start: the first packets of the flood are the heaviest to take in.

    const during: Array<{ at: number; ms: number; status: number }> = [];
    let rssPeak = rssBefore;
    const attackStarted = Date.now();
    try {
      while (Date.now() < attackStarted + ATTACK_MS) {
        const sample = await timed(me);
        during.push({ at: Date.now() - attackStarted, ...sample });
        rssPeak = Math.max(rssPeak, rssKiB(server.pid) ?? 0);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } catch (error) {
      flood.kill('SIGKILL');
      throw error;
    }
    // The flood reports how many of its connections the server cut, then destroys the rest.
    flood.stdin.end('stop\n');
    await floodEnded;
    const report = JSON.parse(floodOutput.trim().split('\n').pop()!) as {
      cut: number;
      stillOpen: number;
      bytesWritten: number;
    };
    const { cut, stillOpen } = report;

    const baseline = median(baselineLatency);
    const worst = during.reduce((a, b) => (b.ms > a.ms ? b : a));
    let rssAfter = rssKiB(server.pid)!;
    // The memory must come back: sample until it does (GC runs when it likes) or 20 s pass.
    const settleBy = Date.now() + 20_000;
    while (rssAfter > rssBefore * RSS_BOUND && Date.now() < settleBy) {
      await me();
      await new Promise((resolve) => setTimeout(resolve, 500));
      rssAfter = rssKiB(server.pid)!;
    }
    console.log(
      `backpressure: ${ATTACKERS} non-reading pipelining clients for ${ATTACK_MS / 1000} s: ` +
        `${during.length} requests of another client, median baseline ${baseline.toFixed(1)} ms, ` +
        `worst during ${worst.ms.toFixed(1)} ms (${worst.at} ms in); ` +
        `${Math.round(report.bytesWritten / 1048576)} MiB of requests sent, ` +
        `${cut} connections cut by the server, ` +
        `${stillOpen} still open at the end; RSS ${Math.round(rssBefore / 1024)} MiB before, ` +
        `peak ${Math.round(rssPeak / 1024)} MiB, ${Math.round(rssAfter / 1024)} MiB after`,
    );

    expect(during.every((sample) => sample.status === 200)).toBe(true);
    expect(worst.ms - baseline).toBeLessThanOrEqual(ALLOWED_DELAY_MS);
    // The server cut the flooding connections itself (before the test destroyed them).
    expect(stillOpen).toBe(0);
    expect(rssAfter).toBeLessThanOrEqual(rssBefore * RSS_BOUND);
    // And it still serves.
    expect((await me()).status).toBe(200);
  });
});

const STORE_TIMEOUT_MS = 5000;
/** The stores' deadline, the HTTP backstop 1 s after it, and 1 s for scheduling on a busy box. */
const ANSWER_BOUND_MS = STORE_TIMEOUT_MS + 2000;
const FREEZE_MS = 30_000;

if (!process.env.MONGODB_URI) {
  describe('A frozen MongoDB read model (FerretDB SIGSTOPped)', () => {
    it('runs in the MongoDB pass (MONGODB_URI is not set here)', () => {
      console.log('Frozen-store test skipped: MONGODB_URI is not set; the MongoDB pass sets it.');
      expect(process.env.MONGODB_URI).toBeUndefined();
    });
  });
} else {
  describe('A frozen MongoDB read model (FerretDB SIGSTOPped for 30 s, built process)', () => {
    let ferret: OwnFerretDb;
    let dataDir: string;
    let server: ServerProcess;
    let http: HttpClient;
    let frozen = false;

    beforeAll(async () => {
      assertBuilt();
      ferret = await OwnFerretDb.start();
      dataDir = mkdtempSync(join(tmpdir(), 'pat-frozen-'));
      server = await startServer({
        dataDir,
        env: {
          MONGODB_URI: ferret.uri('frozen'),
          STORE_TIMEOUT_MS: String(STORE_TIMEOUT_MS),
        },
        startTimeoutMs: 60_000,
      });
      // A connection per request: a kept-alive socket that the server closes as idle just when
      // the client reuses it would show as a "socket hang up" that has nothing to do with the store.
      http = new HttpClient(server.baseUrl, { keepAlive: false });
    }, 90_000);
    afterAll(async () => {
      if (frozen) ferret.thaw();
      http?.close();
      await server?.stop();
      await ferret?.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('answers every request within the bound while frozen, and recovers', async () => {
      const { cookie, token } = await tokenFor(http);
      const auth = { Authorization: `Bearer ${token}` };
      const requests: Record<string, () => Promise<HttpResponse>> = {
        'GET /api/v1/me (token)': () => http.get(`${API}/me`, { headers: auth, timeoutMs: 20_000 }),
        'GET /api/v1/me/tokens (session)': () =>
          http.get(`${API}/me/tokens`, { headers: { Cookie: cookie }, timeoutMs: 20_000 }),
        'POST /mcp tools/list': () =>
          http.post('/mcp', {
            headers: { ...auth, Accept: 'application/json, text/event-stream' },
            body: { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} },
            timeoutMs: 20_000,
          }),
        'GET /health/ready': () => http.get('/health/ready', { timeoutMs: 20_000 }),
      };
      for (const [name, send] of Object.entries(requests)) {
        expect([name, (await send()).status]).toEqual([name, 200]);
      }

      ferret.freeze();
      frozen = true;
      const answers: Array<{ name: string; ms: number; status: number; retryAfter: unknown }> = [];
      const messages = new Set<string>();
      const freezeEnds = Date.now() + FREEZE_MS;
      const inFlight: Array<Promise<void>> = [];
      // A wave of every kind of request each second, without waiting for the previous wave.
      while (Date.now() < freezeEnds - ANSWER_BOUND_MS) {
        for (const [name, send] of Object.entries(requests)) {
          inFlight.push(
            (async () => {
              const started = performance.now();
              const response = await send();
              answers.push({
                name,
                ms: performance.now() - started,
                status: response.status,
                retryAfter: response.headers['retry-after'],
              });
              if (name !== 'GET /health/ready') messages.add(response.json().message);
            })(),
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      await Promise.all(inFlight);
      const slowest = Math.max(...answers.map((answer) => answer.ms));
      await waitFor(() => Date.now() >= freezeEnds, FREEZE_MS, 'the end of the freeze');
      ferret.thaw();
      frozen = false;
      console.log(
        `frozen store: ${answers.length} requests during a ${FREEZE_MS / 1000} s freeze, ` +
          `slowest answer ${Math.round(slowest)} ms; messages: ${[...messages].join(' | ')}`,
      );

      for (const answer of answers) {
        expect({ ...answer, ms: undefined }).toEqual({
          name: answer.name,
          ms: undefined,
          status: 503,
          retryAfter: expect.stringMatching(/^\d+$/),
        });
        expect(answer.ms).toBeLessThan(ANSWER_BOUND_MS);
      }
      // Store errors name the store, and never an address.
      expect([...messages].some((message) => /the read model|session store/i.test(message))).toBe(
        true,
      );
      expect([...messages].join(' ')).not.toMatch(/127\.0\.0\.1|mongodb:/);

      // Recovery without a restart.
      const statusOf = async (name: string) => {
        try {
          return (await requests[name]()).status;
        } catch (error) {
          throw new Error(
            `${name} after the freeze: ${(error as Error).message}\n` +
              server.output().slice(-4000),
          );
        }
      };
      await waitFor(
        async () => (await statusOf('GET /api/v1/me (token)')) === 200,
        30_000,
        'the read model to answer again',
      );
      await waitFor(async () => (await statusOf('GET /health/ready')) === 200, 30_000, 'readiness');
      for (const name of Object.keys(requests)) {
        expect([name, await statusOf(name)]).toEqual([name, 200]);
      }
    }, 120_000);
  });
}
