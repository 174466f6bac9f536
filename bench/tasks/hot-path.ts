/**
 * The authentication hot path taken apart, in process and without HTTP: the real app (createApp,
 * embedded stores) with one token, and each step the guard takes timed on its own in a loop, in
 * CPU time per call (so other work on the machine matters little). Then, for comparison, the
 * same lookup straight from the read-model file, without the document cache.
 *
 * argv[2] is JSON: { dataDir, iterations }.
 */
import type { AddressInfo } from 'node:net';
import type Database from 'better-sqlite3';
import type { Request } from 'express';
import { BearerStrategy, TokenAuthenticator } from '@pat/auth';
import { READ_MODEL, ReadModel } from '@pat/read-model';
import { loadConfig } from '@pat/shared';
import { hashToken, isWellFormedToken } from '@pat/tokens/domain';
import { createApp } from '../../apps/api/src/app';
import { runAsChild } from '../lib/children';
import { median } from '../lib/stats';

export interface HotPathStep {
  readonly name: string;
  /** CPU nanoseconds per call, median of the repetitions. */
  readonly nanos: number;
}

const REPETITIONS = 5;

async function main(): Promise<HotPathStep[]> {
  const { dataDir, iterations } = JSON.parse(process.argv[2]) as {
    dataDir: string;
    iterations: number;
  };
  const password = 'hot-path-password-1';
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    BOOTSTRAP_ADMIN_USERNAME: 'admin',
    BOOTSTRAP_ADMIN_PASSWORD: password,
  });
  const app = await createApp({ config });
  await app.listen(0, '127.0.0.1');
  const origin = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const login = await fetch(`${origin}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  const cookie = login.headers.getSetCookie()[0]?.split(';')[0] ?? '';
  const created = await fetch(`${origin}/api/v1/me/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ name: 'hot-path', expiresInDays: 30 }),
  });
  const { token } = (await created.json()) as { token: string };
  if (!token) throw new Error(`token creation answered ${created.status}`);

  const authenticator = app.get(TokenAuthenticator, { strict: false });
  const strategy = app.get(BearerStrategy, { strict: false });
  const readModel = app.get<ReadModel>(READ_MODEL, { strict: false });
  const db = (readModel as unknown as { db?: Database.Database }).db;
  const hash = hashToken(token);
  const request = { headers: { authorization: `Bearer ${token}` } } as unknown as Request;

  const steps: Array<[string, () => unknown]> = [
    ['isWellFormedToken (format + CRC-32)', () => isWellFormedToken(config.tokenPrefix, token)],
    ['hashToken (SHA-256, hex)', () => hashToken(token)],
    [
      'readModel.findTokenCredential (token, owner, policy)',
      () => readModel.findTokenCredential(hash),
    ],
    [
      'TokenAuthenticator.authenticate (all of the above + status)',
      () => authenticator.authenticate(token),
    ],
    [
      'BearerStrategy.authenticateRequest, through passport (the above + header parsing + usage trail)',
      () => strategy.authenticateRequest(request),
    ],
  ];
  if (db) {
    // What the read model's document cache saves: the same lookup from the SQLite file.
    const byHash = db.prepare<[string], { doc: string }>(
      'SELECT doc FROM tokens WHERE token_hash = ?',
    );
    const byId = db.prepare<[string], { doc: string }>('SELECT doc FROM users WHERE id = ?');
    const policy = db.prepare<[], { doc: string }>(
      "SELECT doc FROM token_policy WHERE id = 'current'",
    );
    steps.push([
      'without the cache: three SELECTs and JSON.parse',
      () => {
        const found = JSON.parse(byHash.get(hash)!.doc) as { userId: string };
        const owner = byId.get(found.userId);
        const current = policy.get();
        return [found, owner && JSON.parse(owner.doc), current && JSON.parse(current.doc)];
      },
    ]);
  }

  const results: HotPathStep[] = [];
  for (const [name, step] of steps) {
    for (let i = 0; i < Math.ceil(iterations / 10); i++) await step();
    const samples: number[] = [];
    for (let rep = 0; rep < REPETITIONS; rep++) {
      const before = process.cpuUsage();
      for (let i = 0; i < iterations; i++) await step();
      const used = process.cpuUsage(before);
      samples.push(((used.user + used.system) * 1000) / iterations);
    }
    results.push({ name, nanos: median(samples) });
  }
  await app.close();
  return results;
}

runAsChild(main);
