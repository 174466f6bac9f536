import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The built service as an operator starts it (`node dist/…/main.js`, what `npm start` runs):
 * configuration from the environment, the first administrator's one-time password printed once.
 * `npm test` builds first (pretest).
 */
const MAIN = join(__dirname, '../../dist/apps/api/src/main.js');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
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

interface Started {
  child: ChildProcess;
  output: () => string;
  /** Waits for the process to end by itself. */
  exited: () => Promise<Exit>;
  /** Sends SIGTERM (if still running) and waits. */
  stop: () => Promise<Exit>;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function start(env: Record<string, string>): Started {
  let output = '';
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => output,
    exited: () => exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

async function waitFor(predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('The service process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pat-process-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
  });

  it('serves on PORT with its stores in DATA_DIR and prints the admin password once', async () => {
    const port = await freePort();
    const env = { PORT: String(port), DATA_DIR: dataDir };
    const first = start(env);
    try {
      await waitFor(() => first.output().includes('listening on'));
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const password = /one-time password: (\S+)/.exec(first.output())?.[1];
      expect(password).toBeDefined();
      expect(first.output().split('one-time password').length - 1).toBe(1);
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(login.status).toBe(200);
    } finally {
      // A graceful stop: Nest closes the stores, then re-raises the signal.
      const exit = await first.stop();
      expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    }
    expect(readdirSync(dataDir)).toEqual(
      expect.arrayContaining(['events.sqlite', 'read-model.sqlite', 'sessions.sqlite']),
    );

    const second = start(env);
    try {
      await waitFor(() => second.output().includes('listening on'));
      expect(second.output()).not.toContain('one-time password');
    } finally {
      await second.stop();
    }
  });

  it.each([
    ['PORT', 'abc', 'Invalid configuration: PORT must be a number (got "abc")'],
    ['PORT', '70000', 'Invalid configuration: PORT must be from 1 to 65535 (got "70000")'],
    ['TOKEN_PREFIX', 'bad prefix', 'Invalid configuration: TOKEN_PREFIX must be'],
    ['MONGODB_URI', 'http://x', 'Invalid configuration: MONGODB_URI must start with mongodb://'],
    ['BOOTSTRAP_ADMIN_PASSWORD', 'short', 'Invalid configuration: BOOTSTRAP_ADMIN_PASSWORD must'],
    [
      'STORE_TIMEOUT_MS',
      '50',
      'Invalid configuration: STORE_TIMEOUT_MS must be from 100 to 60000 (milliseconds) (got "50")',
    ],
    ['STORE_TIMEOUT_MS', '5s', 'Invalid configuration: STORE_TIMEOUT_MS must be a number'],
  ])('stops at start with one clear line when %s is %s', async (name, value, line) => {
    const bad = start({ DATA_DIR: dataDir, [name]: value });
    const { code } = await bad.exited();
    const lines = bad.output().trim().split('\n');
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(line);
    if (name.includes('PASSWORD')) expect(lines[0]).not.toContain(value);
  });
});
