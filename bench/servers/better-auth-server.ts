/**
 * Contender 6: a peer library used as its users would use it. better-auth with its api-key
 * plugin, on its documented SQLite setup (a better-sqlite3 database handed to betterAuth, schema
 * by its own migrations), in a minimal Express server of its own. The protected route verifies
 * the `x-api-key` header (the plugin's default) with `auth.api.verifyApiKey`, as the plugin's
 * docs show for server-side checks; `/api/v1/bench/none` is the same server without
 * authentication, its own limit.
 *
 * Plugin defaults are kept except the per-key rate limit (on by default: 10 requests a day),
 * which would refuse a benchmark after ten requests.
 *
 * Environment: BENCH_DATA_DIR (its database goes there), BENCH_BA_SECRET.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { apiKey } from '@better-auth/api-key';
import Database from 'better-sqlite3';
import { betterAuth } from 'better-auth';
import express from 'express';
import { reportFailure, type ChildMessage, type ParentMessage } from '../lib/children';

async function main(): Promise<void> {
  const dataDir = process.env.BENCH_DATA_DIR!;
  mkdirSync(dataDir, { recursive: true });
  const database = new Database(join(dataDir, 'better-auth.sqlite'));
  if (process.env.BENCH_BA_WAL === '1') database.pragma('journal_mode = WAL');

  const auth = betterAuth({
    database,
    secret: process.env.BENCH_BA_SECRET!,
    baseURL: 'http://127.0.0.1',
    telemetry: { enabled: false },
    logger: { disabled: true },
    plugins: [apiKey({ rateLimit: { enabled: false } })],
  });
  const context = await auth.$context;
  await context.runMigrations();
  const user = await context.internalAdapter.createUser(
    { email: 'bench@example.com', name: 'bench', emailVerified: true },
    { method: 'admin' },
  );
  const created = await auth.api.createApiKey({
    body: { userId: user.id, name: 'bench', expiresIn: 30 * 24 * 3600 },
  });

  const app = express();
  app.disable('x-powered-by');
  app.get('/api/v1/bench/none', (_request, response) => {
    response.json({ ok: true, userId: 'anonymous' });
  });
  app.get('/api/v1/bench/better-auth', async (request, response) => {
    const key = request.headers['x-api-key'];
    if (typeof key !== 'string') {
      response.status(401).json({ error: 'missing api key' });
      return;
    }
    const verified = await auth.api.verifyApiKey({ body: { key } });
    if (!verified.valid || !verified.key) {
      response.status(401).json({ error: verified.error?.message ?? 'invalid api key' });
      return;
    }
    response.json({ ok: true, userId: verified.key.referenceId });
  });

  const server = app.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    send({ type: 'ready', port, credential: created.key });
  });
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'memory') {
      send({ type: 'memory', usage: process.memoryUsage(), gc: false });
    } else if (message.type === 'stop') {
      server.close(() => {
        database.close();
        process.exit(0);
      });
      server.closeAllConnections();
    }
  });
  process.on('disconnect', () => process.exit(0));
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

main().catch((error: unknown) => {
  reportFailure(error);
  process.exit(1);
});
