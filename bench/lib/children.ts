import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root (bench/lib/ → ../..). */
export const ROOT = join(__dirname, '..', '..');

/**
 * The Node flags the product runs with in production (`npm run start:prod`, the Dockerfile):
 * every bench process gets them, so the servers compared run alike.
 */
export const PRODUCTION_NODE_FLAGS = ['--max-semi-space-size=32'];

/** taskset (util-linux), to keep the load generator and the server on CPUs of their own. */
export const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((path) => existsSync(path));

export type ParentMessage =
  | { type: 'stop' }
  | { type: 'memory' }
  | { type: 'load'; options: unknown }
  | { type: 'profile-start' }
  | { type: 'profile-stop'; file: string };

export type ChildMessage =
  | { type: 'ready'; port: number; credential?: string }
  | { type: 'memory'; usage: NodeJS.MemoryUsage; gc: boolean }
  | { type: 'result'; result: unknown }
  | { type: 'profiling' }
  | { type: 'profile'; file: string }
  | { type: 'error'; message: string };

export interface SpawnOptions {
  /** Extra environment; the child gets only PATH, HOME, TMPDIR and these. */
  readonly env?: Record<string, string | undefined>;
  /** Extra node flags (--cpu-prof, --expose-gc, …). */
  readonly nodeFlags?: readonly string[];
  /** Where the child's stdout goes: 'ignore' (the app's request logs) or 'inherit'. */
  readonly stdout?: 'ignore' | 'inherit';
  /** Arguments after the script. */
  readonly args?: readonly string[];
  /** Runs the child on these CPUs only (taskset), when taskset is there. */
  readonly cpus?: string;
}

/**
 * A TypeScript file of bench/ run in its own Node process (transpiled like ts-node
 * --transpile-only, `@pat/*` resolved through tsconfig-paths); an IPC channel carries messages.
 */
export class Child {
  readonly process: ChildProcess;
  private readonly inbox: ChildMessage[] = [];
  private readonly waiters: Array<() => void> = [];
  private exitCode: number | null | undefined = undefined;
  private stderr = '';

  constructor(
    readonly name: string,
    script: string,
    options: SpawnOptions = {},
  ) {
    const env: Record<string, string> = {};
    for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
      if (process.env[key] !== undefined) env[key] = process.env[key];
    }
    for (const [key, value] of Object.entries(options.env ?? {})) {
      if (value !== undefined) env[key] = value;
    }
    const pin = options.cpus && TASKSET ? [TASKSET, '-c', options.cpus] : [];
    this.process = spawn(
      pin[0] ?? process.execPath,
      [
        ...pin.slice(1),
        ...(pin.length > 0 ? [process.execPath] : []),
        ...PRODUCTION_NODE_FLAGS,
        ...(options.nodeFlags ?? []),
        // Transpile-only TypeScript with `@pat/*` paths, cached on disk (bench/lib/register.js).
        '-r',
        join(ROOT, 'bench', 'lib', 'register.js'),
        join(ROOT, 'bench', script),
        ...(options.args ?? []),
      ],
      { cwd: ROOT, env, stdio: ['ignore', options.stdout ?? 'ignore', 'pipe', 'ipc'] },
    );
    this.process.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-8000);
      if (process.env.BENCH_VERBOSE) process.stderr.write(chunk);
    });
    this.process.on('message', (message: ChildMessage) => {
      this.inbox.push(message);
      this.wake();
    });
    this.process.on('exit', (code) => {
      this.exitCode = code;
      this.wake();
    });
  }

  send(message: ParentMessage): void {
    this.process.send(message);
  }

  /** The next message of this type; fails if the child reports an error or exits first. */
  async next<T extends ChildMessage['type']>(
    type: T,
    timeoutMs = 600_000,
  ): Promise<Extract<ChildMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.inbox.findIndex((m) => m.type === type || m.type === 'error');
      if (index >= 0) {
        const [message] = this.inbox.splice(index, 1);
        if (message.type === 'error') throw new Error(`${this.name} failed: ${message.message}`);
        return message as Extract<ChildMessage, { type: T }>;
      }
      if (this.exitCode !== undefined) {
        throw new Error(
          `${this.name} exited (code ${String(this.exitCode)}) before '${type}':\n${this.stderr}`,
        );
      }
      if (Date.now() > deadline) throw new Error(`${this.name}: no '${type}' in ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves with the exit code once the process has ended. */
  async exited(): Promise<number | null> {
    while (this.exitCode === undefined) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.exitCode;
  }

  /** Asks the child to stop (IPC), then SIGKILLs it after the grace period. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.exitCode !== undefined) return;
    try {
      this.send({ type: 'stop' });
    } catch {
      // The channel is already closed.
    }
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exited();
    clearTimeout(timer);
  }

  get pid(): number {
    return this.process.pid!;
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

/** Runs a bench script to completion and returns the result it sends. */
export async function runTask<T>(
  name: string,
  script: string,
  options: SpawnOptions = {},
): Promise<T> {
  const child = new Child(name, script, options);
  try {
    const { result } = await child.next('result');
    const code = await child.exited();
    if (code !== 0) throw new Error(`${name} exited with code ${String(code)}`);
    return result as T;
  } finally {
    if (child.process.exitCode === null) child.process.kill('SIGKILL');
  }
}

// ---------------------------------------------------------------------------------------------
// The child side

/** Reports a child's failure to the parent; the child then ends with status 1. */
export function reportFailure(error: unknown): void {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.send?.({ type: 'error', message } satisfies ChildMessage);
  process.exitCode = 1;
}

/** A task or worker's entry point: runs `main`, sends its result to the parent and exits. */
export function runAsChild(main: () => Promise<unknown>): void {
  main().then(
    (result) =>
      process.send!({ type: 'result', result } satisfies ChildMessage, () => process.exit(0)),
    reportFailure,
  );
}
