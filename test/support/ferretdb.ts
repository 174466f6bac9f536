import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './spawn-server';

const FERRETDB = join(__dirname, '../../bin/ferretdb');

/** Polls until the check passes; throws after the timeout. */
export async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A FerretDB server of a test's own (bin/ferretdb, built by scripts/ferretdb.sh), so that the
 * test can stop, freeze or wipe it without disturbing the server the other suites share.
 */
export class OwnFerretDb {
  private process: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private stateDir: string,
  ) {}

  static async start(): Promise<OwnFerretDb> {
    if (!existsSync(FERRETDB))
      throw new Error('bin/ferretdb is missing: scripts/ferretdb.sh build');
    const server = new OwnFerretDb(await freePort(), mkdtempSync(join(tmpdir(), 'pat-ferret-')));
    await server.resume();
    return server;
  }

  uri(database: string): string {
    return `mongodb://127.0.0.1:${this.port}/${database}`;
  }

  /** Starts the server again on the same port and state (after `stop`). */
  async resume(): Promise<void> {
    if (this.process) return;
    this.process = spawn(
      FERRETDB,
      ['-listen', `127.0.0.1:${this.port}`, '-state-dir', this.stateDir, '-log-level', 'error'],
      { stdio: 'ignore' },
    );
    await until(async () => {
      try {
        await fetch(`http://127.0.0.1:${this.port}/`);
      } catch (error) {
        // The port answers (not HTTP) once it listens.
        return (error as { cause?: { code?: string } }).cause?.code !== 'ECONNREFUSED';
      }
      return true;
    });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const running = this.process;
    this.process = null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.on('exit', resolve));
    running.kill(signal);
    await exited;
  }

  /** SIGSTOP: the server keeps its connections open and answers nothing. */
  freeze(): void {
    this.process?.kill('SIGSTOP');
  }

  thaw(): void {
    this.process?.kill('SIGCONT');
  }

  /** Kills the server and starts it again with no data at all. */
  async wipe(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.stateDir, { recursive: true, force: true });
    this.stateDir = mkdtempSync(join(tmpdir(), 'pat-ferret-'));
    await this.resume();
  }

  async dispose(): Promise<void> {
    this.thaw();
    await this.stop();
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}
