import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ADMIN, assertLogLinesAreJson, backendEnvironment, logLineProblem } from './test-app';

/**
 * The built service as an operator starts it (`node dist/apps/api/src/main.js`, what `npm start`
 * runs), for suites that need a real process: one they can SIGKILL, whose memory they can read
 * in /proc. `npm test` builds first (pretest); alone: `npx nest build api`. PAT_API_MAIN points
 * the suites at another build (a copy, safe from a concurrent `nest build` emptying dist/).
 */
export const MAIN = process.env.PAT_API_MAIN ?? join(__dirname, '../../dist/apps/api/src/main.js');

export function assertBuilt(): void {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npx nest build api first`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  readonly baseUrl: string;
  /** Everything the process printed (the last 256 KiB of it). */
  output(): string;
  /** Its standard output alone (the last 256 KiB): its log, one JSON object a line. */
  stdout(): string;
  /** Resolves when the process has ended, by itself or not. */
  exited(): Promise<Exit>;
  /** SIGTERM (a graceful stop: Nest closes the stores) and wait. */
  stop(): Promise<Exit>;
  /** SIGKILL at once (no shutdown hook runs) and wait. */
  kill(): Promise<Exit>;
}

/**
 * The environment the suites start the service with: the bootstrap administrator of
 * test-app.ts, the data folder, and MONGODB_URI / EVENTSTORE_CONNECTION_STRING passed through
 * (per data folder) so that the same suite runs against FerretDB in CI.
 */
export function serverEnvironment(
  dataDir: string,
  port: number,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PORT: String(port),
    DATA_DIR: dataDir,
    BOOTSTRAP_ADMIN_USERNAME: ADMIN.username,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'warn',
    ...backendEnvironment(dataDir),
    ...extra,
  };
}

const OUTPUT_LIMIT = 256 * 1024;
/** How long a stopped process's pipes may take to drain before its log is checked anyway. */
const DRAIN_TIMEOUT_MS = 5_000;

/**
 * The complete lines of a process's standard output that are not one JSON object. The last
 * fragment without a line break is left out (a SIGKILL may cut it), and so is the first line
 * when the output was trimmed to its last bytes.
 */
export function badStdoutLines(stdout: string, trimmed: boolean): string[] {
  const lines = stdout.split(/(?<=\n)/);
  if (!lines.at(-1)?.endsWith('\n')) lines.pop();
  if (trimmed) lines.shift();
  return lines.filter((line) => logLineProblem(line) !== null);
}

/** Spawns the built service and resolves once it listens (rejects if it exits first). */
export async function startServer(options: {
  readonly dataDir: string;
  readonly port?: number;
  readonly env?: Record<string, string>;
  readonly startTimeoutMs?: number;
}): Promise<ServerProcess> {
  assertBuilt();
  const port = options.port ?? (await freePort());
  let output = '';
  let stdout = '';
  let stdoutTrimmed = false;
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  const appendStdout = (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.length > OUTPUT_LIMIT) {
      stdout = stdout.slice(-OUTPUT_LIMIT);
      stdoutTrimmed = true;
    }
  };
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...serverEnvironment(options.dataDir, port, options.env) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', append);
  child.stdout.on('data', appendStdout);
  child.stderr.on('data', append);
  const exited = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  // Its pipes drained ('close' comes after 'exit'): every line it wrote is in.
  const drained = new Promise<void>((resolve) => child.on('close', () => resolve()));
  /** Once it has ended: fails the stop (and so the test) if a line of its log is not JSON. */
  const checkLog = async (exit: Exit): Promise<Exit> => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      drained,
      new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    assertLogLinesAreJson(badStdoutLines(stdout, stdoutTrimmed));
    return exit;
  };
  let ended = false;
  void exited.then(() => (ended = true));
  const server: ServerProcess = {
    child,
    pid: child.pid!,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => output,
    stdout: () => stdout,
    exited: () => exited,
    stop: async () => {
      if (!ended) child.kill('SIGTERM');
      return checkLog(await exited);
    },
    kill: async () => {
      if (!ended) child.kill('SIGKILL');
      return checkLog(await exited);
    },
  };
  try {
    await waitFor(
      () => {
        if (ended) throw new Error(`the server exited during start:\n${output}`);
        return output.includes('listening on');
      },
      options.startTimeoutMs ?? 30_000,
      'the server to listen',
    );
  } catch (error) {
    // The reason it did not start matters more than how its log looked.
    await server.kill().catch(() => undefined);
    throw error;
  }
  return server;
}

/** Resident set size of a process in KiB (VmRSS of /proc/<pid>/status), null once it is gone. */
export function rssKiB(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  json<T = any>(): T;
}

export interface RequestOptions {
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

/**
 * A small HTTP client on node:http with its own agent (keep-alive, bounded sockets), so a suite
 * controls its concurrency and sees a cut connection as an error, never as an answer.
 */
export class HttpClient {
  readonly agent: Agent;

  constructor(
    readonly baseUrl: string,
    options: { maxSockets?: number; keepAlive?: boolean } = {},
  ) {
    this.agent = new Agent({
      keepAlive: options.keepAlive ?? true,
      maxSockets: options.maxSockets ?? Infinity,
    });
  }

  /** Resolves with the complete answer; rejects when the connection fails or is cut. */
  request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { ...options.headers };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        `${this.baseUrl}${path}`,
        { method, headers, agent: this.agent, timeout: options.timeoutMs ?? 30_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('aborted', () => reject(new Error('response aborted')));
          res.on('end', () => {
            if (!res.complete) return reject(new Error('response incomplete'));
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text,
              json: () => JSON.parse(text),
            });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('request timed out')));
      req.on('error', reject);
      req.end(body);
    });
  }

  get(path: string, options?: RequestOptions): Promise<HttpResponse> {
    return this.request('GET', path, options);
  }

  post(path: string, options?: RequestOptions): Promise<HttpResponse> {
    return this.request('POST', path, options);
  }

  /** Signs in and returns the `pat_session=…` cookie to send back. */
  async signIn(username = ADMIN.username, password = ADMIN.password): Promise<string> {
    const response = await this.post('/api/v1/session', { body: { username, password } });
    if (response.status !== 200) {
      throw new Error(`sign-in answered ${response.status}: ${response.text}`);
    }
    const cookie = ([] as string[])
      .concat(response.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('pat_session='));
    if (!cookie) throw new Error('no session cookie');
    return cookie.split(';')[0];
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs `work` over the items with at most `concurrency` at a time; results in item order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- Helpers of the reliability suites that kill the built process (crash, kill loop) ----

/** The WWW-Authenticate challenges of an answer, joined into one string. */
export const wwwAuthenticate = (response: HttpResponse): string =>
  ([] as string[]).concat(response.headers['www-authenticate'] ?? []).join(', ');

/** A 401 whose RFC 6750 challenge says the token is revoked (the hash matched a real token). */
export const isRevokedChallenge = (response: HttpResponse): boolean =>
  response.status === 401 && /error_description="[^"]*revoked/.test(wwwAuthenticate(response));

/** The answer's JSON body, or `{ text }` when it is not JSON (an answer is an answer). */
export function bodyOf<T extends object = Record<string, unknown>>(
  response: HttpResponse,
): Partial<T> & { text?: string; message?: string } {
  try {
    return response.json();
  } catch {
    return { text: response.text } as Partial<T> & { text?: string };
  }
}

/** What became of one request of a burst: an answer, or the error that cut it. */
export interface BurstOutcome<T> {
  readonly operation: T;
  readonly response?: HttpResponse;
  readonly error?: string;
}

/**
 * Sends every operation at once (one connection each, so the kill cuts each request on its
 * own) and SIGKILLs the server when `killAfterAnswers` answers have arrived, or `killDelayMs`
 * after that (the server is then somewhere else in its work); resolves when every request has
 * been answered or cut, in operation order.
 */
export async function burstThenKill<T>(
  server: ServerProcess,
  operations: readonly T[],
  killAfterAnswers: number,
  send: (client: HttpClient, operation: T) => Promise<HttpResponse>,
  killDelayMs = 0,
): Promise<Array<BurstOutcome<T>>> {
  const client = new HttpClient(server.baseUrl, { keepAlive: false });
  let answered = 0;
  try {
    return await Promise.all(
      operations.map(async (operation): Promise<BurstOutcome<T>> => {
        try {
          const response = await send(client, operation);
          answered += 1;
          if (answered === killAfterAnswers) {
            if (killDelayMs > 0) setTimeout(() => server.child.kill('SIGKILL'), killDelayMs);
            else server.child.kill('SIGKILL');
          }
          return { operation, response };
        } catch (error) {
          return { operation, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
  } finally {
    client.close();
  }
}

/** The operator CLI as operators run it: the built `dist/apps/cli/src/main.js`. */
export const CLI_MAIN = join(__dirname, '../../dist/apps/cli/src/main.js');

/** Runs a CLI command on a data folder (with the suite's backends); never rejects. */
export async function runCli(
  dataDir: string,
  args: readonly string[],
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI_MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, ...backendEnvironment(dataDir) },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => {
    child.on('error', (error) => {
      stderr += error.message;
      resolve(null);
    });
    child.on('close', (status) => resolve(status));
  });
  return { code, stdout, stderr };
}

/** Polls `GET /health/ready` until it answers 200; throws with the last answer after the timeout. */
export async function waitUntilReady(client: HttpClient, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await client.get('/health/ready', { timeoutMs: 5_000 });
      if (response.status === 200) return;
      last = `${response.status} ${response.text}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`/health/ready did not answer 200 within ${timeoutMs} ms; last: ${last}`);
}
