import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Server, Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN, assertBuilt, freePort } from '../support/spawn-server';
import { mountTmpfs, unmount } from '../support/volumes';

/**
 * No silent start (issue 15): the built service started on a store it cannot use prints a
 * progress line (or its one final line) within 2 s, and gives up with one line naming the
 * variable within STARTUP_TIMEOUT_SECONDS; it never spins. The 2 s are counted from the
 * moment the process can print at all: the time a start with a bad PORT takes to say so,
 * measured on a start beside it (loading the modules takes seconds on a loaded machine).
 */

const TIMEOUT_SECONDS = 3;
/** Exit comes within the timeout plus this (the last attempt's cut-off, closing, exiting). */
const EXIT_MARGIN_MS = 3000;
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

interface Line {
  readonly at: number;
  readonly text: string;
}

interface Run {
  readonly code: number | null;
  /** Every line printed (stdout and stderr), with ms since spawn. */
  readonly lines: Line[];
  readonly stderr: string[];
  readonly exitAt: number;
  /** CPU seconds (user + system) when the first stderr line came, and at the last sample. */
  readonly cpuAtFirstLine: number | null;
  readonly cpuAtEnd: number | null;
}

/** /proc/<pid>/stat's utime + stime in seconds; null once the process is gone. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat(5), counted here from field 3 (state).
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

async function run(env: Record<string, string>, killAfterMs = 60_000): Promise<Run> {
  assertBuilt();
  const port = env.PORT ?? String(await freePort());
  const started = Date.now();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'warn',
      STARTUP_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
      // A configured first password: no one-time password block among the lines checked here.
      BOOTSTRAP_ADMIN_PASSWORD: 'startup-suite-pw-1',
      PORT: port,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  const stderr: string[] = [];
  let cpuAtFirstLine: number | null = null;
  let cpuAtEnd: number | null = null;
  const collect = (isStderr: boolean) => {
    let rest = '';
    return (chunk: Buffer) => {
      const parts = (rest + chunk.toString()).split('\n');
      rest = parts.pop() ?? '';
      for (const text of parts) {
        lines.push({ at: Date.now() - started, text });
        if (isStderr) {
          if (stderr.length === 0) cpuAtFirstLine = cpuSeconds(child.pid!);
          stderr.push(text);
        }
      }
    };
  };
  child.stdout.on('data', collect(false));
  child.stderr.on('data', collect(true));
  const sampler = setInterval(() => {
    cpuAtEnd = cpuSeconds(child.pid!) ?? cpuAtEnd;
  }, 100);
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(sampler);
  clearTimeout(killer);
  return { code, lines, stderr, exitAt: Date.now() - started, cpuAtFirstLine, cpuAtEnd };
}

/** A TCP server that takes connections and never says a word: a frozen or wrong server. */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return {
    port: address.port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('No silent start', () => {
  const root = mkdtempSync(join(tmpdir(), 'pat-startup-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  /**
   * How long this start's process takes to print anything at all: a start with a bad PORT,
   * spawned beside it so that both load their modules on the same busy machine.
   */
  let bootMs = 0;

  async function start(env: Record<string, string>, killAfterMs?: number): Promise<Run> {
    const [control, result] = await Promise.all([
      run({ DATA_DIR: join(root, 'control'), PORT: 'abc' }),
      run(env, killAfterMs),
    ]);
    expect(control.code).toBe(1);
    bootMs = control.lines[0].at;
    return result;
  }

  /** Exits 1 in time, last line naming the variable; a line came within 2 s of the boot. */
  function expectReportedStart(result: Run, finalLine: RegExp, waited: boolean): void {
    expect(result.code).toBe(1);
    expect(result.stderr.length).toBeGreaterThan(0);
    const last = result.stderr[result.stderr.length - 1];
    expect(last).toMatch(finalLine);
    // The final line is one line, and nothing but progress lines come before it on stderr.
    for (const line of result.stderr.slice(0, -1)) expect(line).toMatch(/^Waiting for |answered/);
    const firstLine = result.lines.find((line) => result.stderr.includes(line.text))!;
    expect(firstLine.at).toBeLessThanOrEqual(bootMs + 2000);
    expect(result.exitAt).toBeLessThanOrEqual(
      bootMs + (waited ? TIMEOUT_SECONDS * 1000 : 0) + EXIT_MARGIN_MS,
    );
    // No stack trace, no Nest error lines.
    expect(result.lines.map((line) => line.text).join('\n')).not.toMatch(/\n\s+at |ERROR \[/);
  }

  /**
   * Only the final line on stderr; Nest's own log line of the listen error (JSON, on stdout)
   * may come before it.
   */
  function expectOneLineOnStderr(result: Run): void {
    expect(result.stderr).toHaveLength(1);
    for (const line of result.lines.filter((l) => l.text.startsWith('{'))) {
      expect(() => JSON.parse(line.text)).not.toThrow();
    }
  }

  /** While waiting: a bounded number of attempts and nearly no CPU (no busy retry loop). */
  function expectIdleWait(result: Run): void {
    const attempts = result.stderr.filter((line) => line.startsWith('Waiting for ')).length;
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(TIMEOUT_SECONDS * 2 + 4);
    expect(result.cpuAtFirstLine).not.toBeNull();
    expect(result.cpuAtEnd).not.toBeNull();
    // A waiting start sleeps: a spinning one would burn its whole share of the CPU here.
    expect(result.cpuAtEnd! - result.cpuAtFirstLine!).toBeLessThan(0.75);
  }

  it('waits for an unreachable EventStoreDB with progress lines, then names the variable', async () => {
    const result = await start({
      DATA_DIR: join(root, 'esdb-refused'),
      EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false',
    });
    expect(result.stderr[0]).toMatch(
      /^Waiting for EventStoreDB at esdb:\/\/127\.0\.0\.1:1 \(attempt 1, next in 0\.5 s\): .*ECONNREFUSED/,
    );
    expectReportedStart(
      result,
      /^Failed to start: EventStoreDB at esdb:\/\/127\.0\.0\.1:1 did not answer within 3 s \(STARTUP_TIMEOUT_SECONDS\), \d+ attempts; last: .*\. Check EVENTSTORE_CONNECTION_STRING/,
      true,
    );
    expectIdleWait(result);
  });

  it('gives up on an EventStoreDB that accepts connections but never answers, saying so meanwhile', async () => {
    const silent = await silentServer();
    try {
      const result = await start({
        DATA_DIR: join(root, 'esdb-silent'),
        EVENTSTORE_CONNECTION_STRING: `esdb://admin:changeit@127.0.0.1:${silent.port}?tls=false`,
      });
      expect(result.stderr[0]).toMatch(/^Waiting for EventStoreDB at esdb:\/\/127\.0\.0\.1:\d+ /);
      expectReportedStart(
        result,
        /^Failed to start: EventStoreDB at esdb:\/\/127\.0\.0\.1:\d+ did not answer within 3 s .*EVENTSTORE_CONNECTION_STRING/,
        true,
      );
      expectIdleWait(result);
      // The credentials of the connection string are never printed.
      expect(result.lines.map((line) => line.text).join('\n')).not.toContain('changeit');
    } finally {
      await silent.close();
    }
  });

  it('waits for an unreachable MongoDB with progress lines, then names the variable', async () => {
    const result = await start({
      DATA_DIR: join(root, 'mongo-refused'),
      MONGODB_URI: 'mongodb://127.0.0.1:1/pat',
    });
    expect(result.stderr[0]).toMatch(/^Waiting for MongoDB at mongodb:\/\/127\.0\.0\.1:1\/pat /);
    expectReportedStart(
      result,
      /^Failed to start: MongoDB at mongodb:\/\/127\.0\.0\.1:1\/pat did not answer within 3 s \(STARTUP_TIMEOUT_SECONDS\), .*Check MONGODB_URI/,
      true,
    );
    expectIdleWait(result);
  });

  it('gives up on a MongoDB that accepts connections but never answers', async () => {
    const silent = await silentServer();
    try {
      const result = await start({
        DATA_DIR: join(root, 'mongo-silent'),
        MONGODB_URI: `mongodb://pat:secret-pw@127.0.0.1:${silent.port}/pat`,
      });
      expectReportedStart(
        result,
        /^Failed to start: MongoDB at mongodb:\/\/127\.0\.0\.1:\d+\/pat did not answer within 3 s .*MONGODB_URI/,
        true,
      );
      expectIdleWait(result);
      expect(result.lines.map((line) => line.text).join('\n')).not.toContain('secret-pw');
    } finally {
      await silent.close();
    }
  });

  it('refuses at once, without spinning, a DATA_DIR that cannot be created (under /proc)', async () => {
    // Node's recursive mkdir loops forever at 100 % CPU on this path: the start must not.
    const result = await start({ DATA_DIR: `/proc/pat-startup-${process.pid}/data` }, 30_000);
    expectReportedStart(
      result,
      /^Failed to start: The event log \/proc\/pat-startup-\d+\/data\/events\.sqlite cannot be created: DATA_DIR \/proc\/pat-startup-\d+\/data cannot be created \(ENOENT on mkdir .*\)\. Set DATA_DIR to a folder/,
      false,
    );
  });

  it('refuses at once a DATA_DIR on a read-only volume, naming the variable', async () => {
    const volume = mountTmpfs('1m');
    try {
      execFileSync('mount', ['-o', 'remount,ro', volume]);
      const result = await start({ DATA_DIR: join(volume, 'data') });
      expectReportedStart(
        result,
        /^Failed to start: The event log .*\/data\/events\.sqlite cannot be created: DATA_DIR .*\/data cannot be created: .*\/data is on a read-only volume\. Set DATA_DIR/,
        false,
      );
    } finally {
      unmount(volume);
    }
  });

  it('refuses a DATA_DIR that is a file in one line, not a stack trace', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'not a folder');
    const result = await start({ DATA_DIR: file });
    expectReportedStart(
      result,
      new RegExp(
        `^Failed to start: The event log ${file}/events\\.sqlite cannot be created: DATA_DIR ${file} is a file, not a folder\\. Set DATA_DIR`,
      ),
      false,
    );
    expect(result.lines).toHaveLength(1);
  });

  it.each([
    [
      'no-such-host.invalid',
      /^Failed to start: HOST no-such-host\.invalid cannot be resolved \(getaddrinfo (ENOTFOUND|EAI_AGAIN)\): set HOST/,
    ],
    [
      '192.0.2.1',
      /^Failed to start: HOST 192\.0\.2\.1 is not an address of this machine \(EADDRNOTAVAIL\): set HOST/,
    ],
  ])('names HOST when HOST=%s cannot be listened on', async (host, line) => {
    const result = await start({ DATA_DIR: join(root, 'host'), HOST: host });
    expectReportedStart(result, line, false);
    expectOneLineOnStderr(result);
  });

  it('names PORT when the port is taken', async () => {
    const taken = await silentServer();
    try {
      const result = await start({ DATA_DIR: join(root, 'port'), PORT: String(taken.port) });
      expectReportedStart(
        result,
        new RegExp(
          `^Failed to start: PORT ${taken.port} is already in use on 127\\.0\\.0\\.1 \\(EADDRINUSE\\): .*set PORT to a free port`,
        ),
        false,
      );
      expectOneLineOnStderr(result);
    } finally {
      await taken.close();
    }
  });

  it('reports every bad variable at once, in one line, never echoing a password', async () => {
    const result = await start({
      DATA_DIR: join(root, 'config'),
      PORT: '70000',
      MONGODB_URI: 'http://x',
      STARTUP_TIMEOUT_SECONDS: '0',
      BOOTSTRAP_ADMIN_PASSWORD: 'short',
    });
    expect(result.code).toBe(1);
    expect(result.lines.map((line) => line.text)).toEqual([
      'Invalid configuration: PORT must be from 1 to 65535 (got "70000"); ' +
        'MONGODB_URI must start with mongodb:// or mongodb+srv:// (got "http://x"); ' +
        'BOOTSTRAP_ADMIN_PASSWORD must be at least 8 characters without spaces; ' +
        'STARTUP_TIMEOUT_SECONDS must be from 1 to 3600 (seconds) (got "0")',
    ]);
    expect(result.lines[0].at).toBeLessThanOrEqual(bootMs + 2000);
  });
});
