import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { AppConfig, ManualClock, loadConfig } from '@pat/shared';
import request from 'supertest';
import { createApp } from '../../apps/api/src/app';

export const ADMIN = { username: 'admin', password: 'admin-password-1' };
export const API = '/api/v1';

export interface TestApp {
  readonly app: INestApplication;
  readonly config: AppConfig;
  readonly clock: ManualClock;
  readonly dataDir: string;
  /** Every log line the app wrote. */
  readonly logs: string[];
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
  /** Closes the app and removes its data folder. */
  dispose(): Promise<void>;
}

/**
 * Every log line of every app this test file started is checked as it is written: one JSON
 * object, one line (issue 15: logs an operator can pipe into jq or Loki). Checked where it is
 * written rather than per app, because nestjs-pino keeps the first app's destination for lines
 * logged outside a request for the rest of the process, so a later app's lines may land in an
 * earlier app's array. Any bad line fails the next close(), and the file's afterAll.
 */
const badLogLines: string[] = [];

/** Why a log line is not one JSON object on one line; null when it is. */
export function logLineProblem(line: string): string | null {
  if (!line.endsWith('\n')) return 'does not end with a line break';
  if (line.slice(0, -1).includes('\n')) return 'spans more than one line';
  try {
    const value: unknown = JSON.parse(line);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return 'is JSON but not an object';
    }
    return null;
  } catch (error) {
    return `is not JSON (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** Throws naming the first lines that are not one JSON object on one line. */
export function assertLogLinesAreJson(lines: readonly string[]): void {
  const problems = lines.flatMap((line) => {
    const problem = logLineProblem(line);
    return problem === null ? [] : [`${problem}: ${JSON.stringify(line)}`];
  });
  if (problems.length > 0) {
    throw new Error(
      `${problems.length} log line(s) an operator could not parse:\n${problems.slice(0, 5).join('\n')}`,
    );
  }
}

/** Reports the bad lines written so far, once each. */
const reportBadLogLines = () => assertLogLinesAreJson(badLogLines.splice(0));

// Registered once per test file that starts apps (jest loads this module per file).
if (typeof afterAll === 'function') afterAll(reportBadLogLines);

export interface StartOptions {
  readonly dataDir?: string;
  readonly clock?: ManualClock;
  readonly env?: Record<string, string>;
  /** Log lines are appended here (so they survive restarts within one test). */
  readonly logs?: string[];
  readonly processManagers?: boolean;
}

/** Starts the real application (the same createApp as main.ts) on a data folder of its own. */
export async function startTestApp(options: StartOptions = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pat-e2e-'));
  const clock = options.clock ?? new ManualClock(new Date('2026-03-01T12:00:00.000Z'));
  const logs = options.logs ?? [];
  const config = loadConfig({
    DATA_DIR: dataDir,
    ...backendEnvironment(dataDir),
    BOOTSTRAP_ADMIN_USERNAME: ADMIN.username,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'info',
    // Suites send many failed attempts on purpose; the rate-limit suite sets its own limits.
    BEARER_FAILURE_LIMIT: '100000',
    LOGIN_FAILURE_LIMIT: '100000',
    ...options.env,
  });
  const app = await createApp({
    config,
    clock,
    logDestination: {
      write: (line: string) => {
        logs.push(line);
        if (logLineProblem(line) !== null) badLogLines.push(line);
      },
    },
    processManagers: options.processManagers,
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app.close();
    reportBadLogLines();
  };
  return {
    app,
    config,
    clock,
    dataDir,
    logs,
    http: () => request(app.getHttpServer()),
    close,
    dispose: async () => {
      try {
        await close();
      } finally {
        if (process.env.MONGODB_URI) await dropReadModel(dataDir);
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The suites run on the embedded stores by default. With MONGODB_URI set (CI sets it to FerretDB)
 * every app gets a read model and session store in a database of its own, named after its data
 * folder so that a restart on the same folder finds the same database. The event log stays in
 * the data folder unless EVENTSTORE_CONNECTION_STRING is set.
 */
export function backendEnvironment(dataDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  const mongo = process.env.MONGODB_URI;
  if (mongo) env.MONGODB_URI = mongoUriFor(mongo, dataDir);
  const esdb = process.env.EVENTSTORE_CONNECTION_STRING;
  if (esdb) env.EVENTSTORE_CONNECTION_STRING = esdb;
  return env;
}

function mongoUriFor(base: string, dataDir: string): string {
  const url = new URL(base);
  url.pathname = `/${basename(dataDir).replace(/[^A-Za-z0-9_]/g, '_')}`;
  return url.toString();
}

/** Loses the read model (files or database) so that the next start rebuilds it from the log. */
export async function dropReadModel(dataDir: string): Promise<void> {
  for (const file of filesUnder(dataDir)) {
    if (basename(file.path).startsWith('read-model.sqlite')) rmSync(file.path);
  }
  const mongo = process.env.MONGODB_URI;
  if (mongo) {
    const { default: mongoose } = await import('mongoose');
    const connection = await mongoose.createConnection(mongoUriFor(mongo, dataDir)).asPromise();
    try {
      await connection.dropDatabase();
    } finally {
      await connection.close();
    }
  }
}

/** Signs in and returns the session cookie to send back. */
export async function signIn(
  t: TestApp,
  username = ADMIN.username,
  password = ADMIN.password,
): Promise<string> {
  const response = await t.http().post(`${API}/session`).send({ username, password }).expect(200);
  const cookies = response.headers['set-cookie'] as unknown as string[];
  const session = cookies.find((c) => c.startsWith('pat_session='));
  if (!session) throw new Error('no session cookie');
  return session.split(';')[0];
}

export async function createUser(
  t: TestApp,
  adminCookie: string,
  user: { username: string; password: string; isAdmin?: boolean },
): Promise<{ id: string; cookie: string }> {
  const response = await t
    .http()
    .post(`${API}/admin/users`)
    .set('Cookie', adminCookie)
    .send(user)
    .expect(201);
  return { id: response.body.id, cookie: await signIn(t, user.username, user.password) };
}

export async function createToken(
  t: TestApp,
  cookie: string,
  body: Record<string, unknown> = { name: 'ci-deploy', expiresInDays: 30 },
): Promise<{ id: string; token: string; body: Record<string, unknown> }> {
  const response = await t
    .http()
    .post(`${API}/me/tokens`)
    .set('Cookie', cookie)
    .send(body)
    .expect(201);
  return { id: response.body.id, token: response.body.token, body: response.body };
}

/** Every byte of every file under the folder, for secret scans. */
export function filesUnder(dir: string): { path: string; content: Buffer }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? filesUnder(path)
      : [{ path, content: readFileSync(path) }];
  });
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
