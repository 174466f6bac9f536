/**
 * Authenticates every token of a file once (GET on a guarded route, `concurrency` keep-alive
 * connections), so that the server has looked each one up. argv[2] is JSON:
 * { url, tokensFile, concurrency, repeat?, limit? } — with `repeat`, the first token only, that
 * many times; with `limit`, the first `limit` tokens.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { runAsChild } from '../lib/children';

export interface SweepOptions {
  readonly url: string;
  readonly tokensFile: string;
  readonly concurrency: number;
  readonly repeat?: number;
  /** Only the first `limit` tokens of the file. */
  readonly limit?: number;
}

export interface SweepResult {
  readonly requests: number;
  readonly ok: number;
  readonly seconds: number;
}

function get(agent: http.Agent, url: URL, token: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      url,
      { agent, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(-1));
    req.end();
  });
}

async function main(): Promise<SweepResult> {
  const options = JSON.parse(process.argv[2]) as SweepOptions;
  const all = readFileSync(options.tokensFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(0, options.limit);
  const tokens = options.repeat ? Array.from({ length: options.repeat }, () => all[0]) : all;
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const url = new URL(options.url);
  let next = 0;
  let ok = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < tokens.length) {
        const status = await get(agent, url, tokens[next++]);
        if (status === 200) ok += 1;
      }
    }),
  );
  agent.destroy();
  const result: SweepResult = {
    requests: tokens.length,
    ok,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
  return result;
}

runAsChild(main);
