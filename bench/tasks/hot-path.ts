/**
 * The authentication hot path taken apart, in process and without HTTP: the real app (createApp,
 * embedded stores) with one token, and each step the guard takes timed on its own in a loop, in
 * CPU time per call (so other work on the machine matters little). Then two variants of the
 * lookup that the profile suggests, measured the same way against the real read-model file:
 *
 *   - one SQL statement (token ⋈ user ⋈ policy) instead of three lookups and three JSON.parse;
 *   - the same without parsing whole documents (only the columns the decision needs).
 *
 * argv[2] is JSON: { dataDir, iterations }.
 */
import type { AddressInfo } from 'node:net';
import type Database from 'better-sqlite3';
import { BearerStrategy, TokenAuthenticator } from '@pat/auth';
import { READ_MODEL, ReadModel } from '@pat/read-model';
import { loadConfig } from '@pat/shared';
import { hashToken, isWellFormedToken } from '@pat/tokens/domain';
import { createApp } from '../../apps/api/src/app';
import type { ChildMessage } from '../lib/children';
import { median } from '../lib/stats';

export interface HotPathStep {
  readonly name: string;
  /** CPU nanoseconds per call, median of the repetitions. */
  readonly nanos: number;
}

const REPETITIONS = 5;

async function main(): Promise<void> {
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
  const strategy = app.get<BearerStrategy, { validate(...args: unknown[]): Promise<unknown> }>(
    BearerStrategy,
    { strict: false },
  );
  const readModel = app.get<ReadModel>(READ_MODEL, { strict: false });
  const db = (readModel as unknown as { db?: Database.Database }).db;
  const hash = hashToken(token);
  const tokenRecord = await readModel.findTokenByHash(hash);
  if (!tokenRecord) throw new Error('the token is not in the read model');
  const userId = tokenRecord.userId;
  const headerOnly = {
    headers: { authorization: `Bearer ${token}` },
    origin: { ip: '127.0.0.1', userAgent: 'hot-path' },
    requestId: null,
  };

  const steps: Array<[string, () => unknown]> = [
    ['isWellFormedToken (format + CRC-32)', () => isWellFormedToken(config.tokenPrefix, token)],
    ['hashToken (SHA-256, hex)', () => hashToken(token)],
    ['readModel.findTokenByHash', () => readModel.findTokenByHash(hash)],
    ['readModel.findUserById', () => readModel.findUserById(userId)],
    ['readModel.getTokenPolicy', () => readModel.getTokenPolicy()],
    [
      'TokenAuthenticator.authenticate (all of the above + status)',
      () => authenticator.authenticate(token),
    ],
    [
      'BearerStrategy.validate (authenticate + usage trail)',
      () =>
        strategy.validate.length >= 2
          ? strategy.validate(headerOnly, token)
          : strategy.validate(token),
    ],
  ];
  if (db) {
    // Variants of the lookup, against the same database file and rows.
    const joined = db.prepare<
      [string],
      { token: string; user: string | null; policy: string | null }
    >(
      `SELECT t.doc AS token, u.doc AS user, p.doc AS policy
         FROM tokens t
         LEFT JOIN users u ON u.id = t.user_id
         LEFT JOIN token_policy p ON p.id = 'current'
        WHERE t.token_hash = ?`,
    );
    const columns = db.prepare<[string], Record<string, unknown>>(
      `SELECT t.id, t.user_id,
              json_extract(t.doc, '$.expiresAt') AS expires_at,
              json_extract(t.doc, '$.createdAt') AS created_at,
              json_extract(t.doc, '$.revokedAt') AS revoked_at,
              u.deleted_at, json_extract(u.doc, '$.username') AS username,
              json_extract(u.doc, '$.isAdmin') AS is_admin,
              json_extract(u.doc, '$.isAuditor') AS is_auditor,
              json_extract(p.doc, '$.maxLifetimeDays') AS max_lifetime_days
         FROM tokens t
         LEFT JOIN users u ON u.id = t.user_id
         LEFT JOIN token_policy p ON p.id = 'current'
        WHERE t.token_hash = ?`,
    );
    steps.push(
      [
        'variant: one joined statement, three JSON.parse',
        () => {
          const row = joined.get(hash)!;
          return [
            JSON.parse(row.token),
            row.user && JSON.parse(row.user),
            row.policy && JSON.parse(row.policy),
          ];
        },
      ],
      ['variant: one joined statement, only the needed columns', () => columns.get(hash)],
      [
        'variant: isWellFormedToken + hashToken + one joined statement',
        () => {
          isWellFormedToken(config.tokenPrefix, token);
          const row = joined.get(hashToken(token))!;
          return [
            JSON.parse(row.token),
            row.user && JSON.parse(row.user),
            row.policy && JSON.parse(row.policy),
          ];
        },
      ],
    );
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
  const message: ChildMessage = { type: 'result', result: results };
  process.send!(message, () => process.exit(0));
}

main().catch((error: unknown) => {
  process.send!({
    type: 'error',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exitCode = 1;
});
