/**
 * The server under test, in a process of its own: the real app (createApp from apps/api) with
 * the bench routes mounted. Started by bench/run.ts with an IPC channel; it answers
 * `{type:'ready', port}` once listening, `{type:'memory'}` with process.memoryUsage() (after a
 * full GC when started with --expose-gc), profiles on `{type:'profile-start'}` …
 * `{type:'profile-stop', file}` and stops on `{type:'stop'}`.
 *
 * Environment: the app's own variables (DATA_DIR, LOG_LEVEL, MONGODB_URI, BOOTSTRAP_ADMIN_*),
 * plus BENCH_JWT_SECRET and BENCH_API_KEY for the comparison guards.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@pat/shared';
import { createApp } from '../../apps/api/src/app';
import { BenchModule } from './bench.module';
import { reportFailure, type ChildMessage, type ParentMessage } from '../lib/children';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await createApp({
    config,
    extraModules: [
      BenchModule.forRoot({
        jwtSecret: required('BENCH_JWT_SECRET'),
        apiKey: required('BENCH_API_KEY'),
      }),
    ],
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  send({ type: 'ready', port });

  process.on('message', (message: ParentMessage) => {
    if (message.type === 'memory') {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
      send({ type: 'memory', usage: process.memoryUsage(), gc: gc !== undefined });
    } else if (message.type === 'profile-start') {
      void profiler.start().then(() => send({ type: 'profiling' }));
    } else if (message.type === 'profile-stop') {
      void profiler.stop(message.file).then(() => send({ type: 'profile', file: message.file }));
    } else if (message.type === 'stop') {
      void app.close().finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
}

/**
 * The V8 CPU profiler through the inspector, started and stopped on request: the same sampler as
 * `node --cpu-prof` (1 ms interval), but covering only the load, not the start-up.
 */
const profiler = {
  session: null as Session | null,
  post<T>(method: string, params?: object): Promise<T> {
    return new Promise((resolve, reject) =>
      this.session!.post(method, params, (error, result) =>
        error ? reject(error) : resolve(result as T),
      ),
    );
  },
  async start(): Promise<void> {
    this.session = new Session();
    this.session.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.setSamplingInterval', { interval: 1000 });
    await this.post('Profiler.start');
  },
  async stop(file: string): Promise<void> {
    const { profile } = await this.post<{ profile: unknown }>('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    this.session!.disconnect();
    this.session = null;
  },
};

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

main().catch((error: unknown) => {
  reportFailure(error);
  process.exit(1);
});
