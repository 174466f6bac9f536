/**
 * The load generator, in a process of its own so that it never shares an event loop with the
 * server. It runs autocannon programmatically for each `{type:'load', options}` message and
 * answers with a summary. Latencies are autocannon's, in milliseconds.
 */
import autocannon from 'autocannon';
import type { ChildMessage, ParentMessage } from '../lib/children';

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  /** Seconds, unless `amount` is given. */
  readonly duration?: number;
  readonly amount?: number;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface LoadResult {
  /** Seconds the run lasted. */
  readonly seconds: number;
  readonly total: number;
  /** Responses by status code. */
  readonly statuses: Record<string, number>;
  readonly errors: number;
  readonly timeouts: number;
  /** Successful (2xx) responses per second. */
  readonly okPerSecond: number;
  readonly latency: { p50: number; p90: number; p99: number; mean: number; max: number };
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function load(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // autocannon's own percentiles are whole milliseconds (an HDR histogram of integers); the
    // per-response times it emits are fractional, so the percentiles are computed from those.
    let times = new Float64Array(1 << 16);
    let count = 0;
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        pipelining: 1,
        duration: options.duration,
        amount: options.amount,
        method: options.method ?? 'GET',
        headers: options.headers,
        body: options.body,
        timeout: 60,
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) {
          reject(error instanceof Error ? error : new Error('autocannon failed'));
          return;
        }
        const statuses: Record<string, number> = {};
        for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
          statuses[code] = (stat as { count: number }).count;
        }
        const ok = Object.entries(statuses)
          .filter(([code]) => code.startsWith('2'))
          .reduce((sum, [, n]) => sum + n, 0);
        const sorted = times.slice(0, count).sort();
        const mean = sorted.reduce((sum, t) => sum + t, 0) / Math.max(1, count);
        resolve({
          seconds: result.duration,
          total: result.requests.total,
          statuses,
          errors: result.errors,
          timeouts: result.timeouts,
          okPerSecond: ok / result.duration,
          latency: {
            p50: quantile(sorted, 0.5),
            p90: quantile(sorted, 0.9),
            p99: quantile(sorted, 0.99),
            mean,
            max: count > 0 ? sorted[count - 1] : NaN,
          },
        });
      },
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status < 200 || status >= 300) return;
      if (count === times.length) {
        const grown = new Float64Array(times.length * 2);
        grown.set(times);
        times = grown;
      }
      times[count++] = ms;
    });
  });
}

function send(message: ChildMessage): void {
  process.send!(message);
}

// One load at a time, on request: the process stays up between rounds, so no round pays for
// starting it.
process.on('message', (message: ParentMessage) => {
  if (message.type === 'load') {
    load(message.options as LoadOptions).then(
      (result) => send({ type: 'result', result }),
      (error: unknown) =>
        send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  } else if (message.type === 'stop') {
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', port: 0 });
