import { Worker } from 'node:worker_threads';

/** What a hashing worker is asked to do. */
export type Argon2Job =
  | { readonly op: 'hash'; readonly password: string; readonly options: object }
  | { readonly op: 'verify'; readonly hash: string; readonly password: string }
  /** The thread's nice value (to check that it was lowered). */
  | { readonly op: 'priority' };

/**
 * Each worker runs Argon2 synchronously on a thread of its own whose scheduling priority is
 * lowered (nice 10; Linux keeps nice per thread). When the CPU is short, the event loop serving
 * token requests then comes first, and sign-ins wait a little longer.
 */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
if (process.platform === 'linux') {
  try { require('node:os').setPriority(10); } catch {}
}
const argon2 = require(workerData.argon2);
parentPort.on('message', (job) => {
  try {
    const result = job.op === 'hash'
      ? argon2.hashSync(job.password, job.options)
      : job.op === 'verify'
        ? argon2.verifySync(job.hash, job.password)
        : require('node:os').getPriority();
    parentPort.postMessage({ id: job.id, result });
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String((error && error.message) || error) });
  }
});
`;

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A fixed set of hashing threads, started on first use. Callers bound the jobs in flight (one per
 * thread at most, see PasswordHasher); a job goes to the thread with the fewest jobs.
 */
export class Argon2Workers {
  private workers: Array<{ worker: Worker; jobs: number }> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(private readonly size: number) {}

  run<T>(job: Argon2Job): Promise<T> {
    const workers = this.start();
    const chosen = workers.reduce((a, b) => (b.jobs < a.jobs ? b : a));
    const id = this.nextId++;
    chosen.jobs++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, {
        resolve: (value) => {
          chosen.jobs--;
          resolve(value as T);
        },
        reject: (error) => {
          chosen.jobs--;
          reject(error);
        },
      });
      chosen.worker.postMessage({ ...job, id });
    });
  }

  async close(): Promise<void> {
    const workers = this.workers ?? [];
    this.workers = null;
    await Promise.all(workers.map(({ worker }) => worker.terminate()));
    for (const [id, job] of this.pending) {
      this.pending.delete(id);
      job.reject(new Error('The password hashing threads were stopped'));
    }
  }

  private start(): Array<{ worker: Worker; jobs: number }> {
    if (this.workers) return this.workers;
    const argon2 = require.resolve('@node-rs/argon2');
    this.workers = Array.from({ length: this.size }, () => {
      const worker = new Worker(WORKER_CODE, { eval: true, workerData: { argon2 } });
      // Idle hashing threads must not keep the process alive.
      worker.unref();
      worker.on('message', (answer: { id: number; result?: unknown; error?: string }) => {
        const job = this.pending.get(answer.id);
        if (!job) return;
        this.pending.delete(answer.id);
        if (answer.error !== undefined) job.reject(new Error(answer.error));
        else job.resolve(answer.result);
      });
      worker.on('error', (error) => this.failAll(error));
      return { worker, jobs: 0 };
    });
    return this.workers;
  }

  /** A thread that died takes its jobs with it: every waiting caller hears of it, none hangs. */
  private failAll(error: Error): void {
    for (const [id, job] of this.pending) {
      this.pending.delete(id);
      job.reject(error);
    }
    const workers = this.workers;
    this.workers = null;
    for (const { worker } of workers ?? []) void worker.terminate();
  }
}
