/**
 * The revocation window, measured from outside the server: `connections` keep-alive connections
 * hammer an authenticated route with one token; after `beforeMs` the token is revoked over a
 * separate connection (POST /api/v1/me/tokens/:id/revoke with a session cookie). Every request is
 * stamped with the instant it was handed to the socket (one monotonic clock, this process), and
 * the revoke with the instant its answer arrived. A request *sent after the revoke answered* that
 * still got 200 is a violation: the count must be 0.
 *
 * argv[2] is JSON: { origin, path, cookie, trials: [{ token, tokenId }], connections, beforeMs,
 * afterMs }. Each trial uses its own token.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { runAsChild } from '../lib/children';

export interface RevocationOptions {
  readonly origin: string;
  readonly path: string;
  readonly cookie: string;
  /**
   * Each trial hammers from its own loopback address (127.0.0.x): the product throttles a client
   * after repeated failed bearer attempts (429), and one trial's refusals must not lock out the
   * next trial, nor the phases after this one.
   */
  readonly trials: ReadonlyArray<{ token: string; tokenId: string; sourceAddress: string }>;
  readonly connections: number;
  readonly beforeMs: number;
  readonly afterMs: number;
}

export interface RevocationTrial {
  readonly connections: number;
  /** Milliseconds the revoke call took. */
  readonly revokeMs: number;
  readonly sentBeforeAnswer: number;
  /** Sent before the revoke answered, answered 200 (in flight or before: allowed). */
  readonly okBeforeAnswer: number;
  readonly sentAfterAnswer: number;
  /** Sent after the revoke answered and still 200: the violations (must be 0). */
  readonly okAfterAnswer: number;
  /** Sent after the revoke answered and refused (401; 429 if throttled; 503 if a store is slow). */
  readonly refusedAfterAnswer: number;
  /** Of the refusals after the answer, 503s: a store did not answer in time, the guard failed closed. */
  readonly unavailable: number;
  /** Revoke calls it took (a 503 is retried: the window starts at the first success). */
  readonly revokeAttempts: number;
  /** Any other status or transport error (must be 0). */
  readonly unexpected: number;
}

/**
 * Refusals: 401, 429 when failed attempts are throttled, and 503 when a store does not answer in
 * time (the product fails closed; FerretDB under 100 connections does that).
 */
const REFUSED = new Set([401, 429, 503]);

interface Sample {
  readonly sentAt: number;
  readonly status: number;
}

function request(
  agent: http.Agent,
  url: URL,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  localAddress?: string,
): Promise<{ status: number; sentAt: number; answeredAt: number; body: string }> {
  return new Promise((resolve) => {
    const req = http.request(url, { agent, method, headers, localAddress }, (res) => {
      // Only the revoke's answer is read (its body says whether a 503 was recorded).
      let body = '';
      if (method === 'POST') res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      else res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, sentAt, answeredAt: performance.now(), body }),
      );
    });
    req.on('error', () => resolve({ status: -1, sentAt, answeredAt: performance.now(), body: '' }));
    const sentAt = performance.now();
    req.end();
  });
}

async function trial(
  options: RevocationOptions,
  { token, tokenId, sourceAddress }: RevocationOptions['trials'][number],
): Promise<RevocationTrial> {
  const hammerAgent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const revokeAgent = new http.Agent({ keepAlive: false });
  const target = new URL(options.path, options.origin);
  const samples: Sample[] = [];
  let stop = false;
  const loops = Array.from({ length: options.connections }, async () => {
    while (!stop) {
      const { status, sentAt } = await request(
        hammerAgent,
        target,
        'GET',
        { authorization: `Bearer ${token}` },
        sourceAddress,
      );
      samples.push({ sentAt, status });
    }
  });

  await new Promise((resolve) => setTimeout(resolve, options.beforeMs));
  let revoke: Awaited<ReturnType<typeof request>>;
  let revokeAttempts = 0;
  for (;;) {
    revokeAttempts += 1;
    revoke = await request(
      revokeAgent,
      new URL(`/api/v1/me/tokens/${tokenId}/revoke`, options.origin),
      'POST',
      { cookie: options.cookie, 'content-type': 'application/json' },
    );
    if (revoke.status === 200) break;
    // A 503 saying the revocation was recorded: it is in force from this answer on. A 409 after
    // an earlier 503: that attempt took effect, and this answer says so.
    if (revoke.status === 503 && /recorded but is not visible/.test(revoke.body)) break;
    if (revoke.status === 409 && revokeAttempts > 1) break;
    if (revoke.status !== 503 || revokeAttempts >= 20) {
      stop = true;
      await Promise.all(loops);
      throw new Error(`revoke answered ${revoke.status} (attempt ${revokeAttempts})`);
    }
  }
  await new Promise((resolve) => setTimeout(resolve, options.afterMs));
  stop = true;
  await Promise.all(loops);
  hammerAgent.destroy();
  revokeAgent.destroy();

  const before = samples.filter((s) => s.sentAt <= revoke.answeredAt);
  const after = samples.filter((s) => s.sentAt > revoke.answeredAt);
  return {
    connections: options.connections,
    revokeMs: revoke.answeredAt - revoke.sentAt,
    sentBeforeAnswer: before.length,
    okBeforeAnswer: before.filter((s) => s.status === 200).length,
    sentAfterAnswer: after.length,
    okAfterAnswer: after.filter((s) => s.status === 200).length,
    refusedAfterAnswer: after.filter((s) => REFUSED.has(s.status)).length,
    unexpected: samples.filter((s) => s.status !== 200 && !REFUSED.has(s.status)).length,
    unavailable: after.filter((s) => s.status === 503).length,
    revokeAttempts,
  };
}

async function main(): Promise<RevocationTrial[]> {
  const options = JSON.parse(process.argv[2]) as RevocationOptions;
  const trials: RevocationTrial[] = [];
  for (const each of options.trials) trials.push(await trial(options, each));
  return trials;
}

runAsChild(main);
