/**
 * `npm run lint:openapi`: builds the OpenAPI document exactly as the server serves it (the same
 * createApp, on embedded stores in a throw-away folder, never listening), writes it to
 * test-output/openapi.json and lints it with Redocly CLI (redocly.yaml). No server and no
 * network: the environment is ignored, so a MONGODB_URI or EVENTSTORE_CONNECTION_STRING in the
 * shell is never contacted.
 *
 * `npm run openapi:client` (this file with `client`): the same document, then the TypeScript
 * client generated from it (@hey-api/openapi-ts) into test/support/openapi-client, which the
 * e2e test test/e2e/openapi-client.e2e-spec.ts drives (and checks is up to date).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '@pat/shared';
import { createApp } from '../../apps/api/src/app';
import { buildOpenApiDocument } from '../../apps/api/src/openapi';

const ROOT = resolve(__dirname, '../..');
export const DOCUMENT_FILE = join(ROOT, 'test-output', 'openapi.json');
export const CLIENT_DIR = join(ROOT, 'test', 'support', 'openapi-client');

/**
 * Generates the fetch client of a document file into a folder (replacing it). Paths are made
 * absolute: openapi-ts reads a bare `a/b` input as a Hey API registry name, to be downloaded.
 */
export function generateClient(documentFile: string, outDir: string): void {
  // Its package exports name no bin file, so require.resolve cannot find it.
  const cli = join(ROOT, 'node_modules', '@hey-api', 'openapi-ts', 'bin', 'run.js');
  const result = spawnSync(
    process.execPath,
    [
      cli,
      '--input',
      resolve(documentFile),
      '--output',
      resolve(outDir),
      '--client',
      '@hey-api/client-fetch',
      '--silent',
      '--no-log-file',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(`openapi-ts failed (${result.status}): ${result.stderr || result.stdout}`);
  }
}

export async function writeOpenApiDocument(file = DOCUMENT_FILE): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pat-openapi-'));
  try {
    const config = loadConfig({
      DATA_DIR: dataDir,
      BOOTSTRAP_ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
    });
    const app = await createApp({
      config,
      logDestination: { write: () => undefined },
      processManagers: false,
    });
    try {
      const document = buildOpenApiDocument(app, { tokenPrefix: config.tokenPrefix });
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await writeOpenApiDocument();
  if (process.argv[2] === 'client') {
    generateClient(DOCUMENT_FILE, CLIENT_DIR);
    console.log(`Generated ${CLIENT_DIR}`);
    return;
  }
  const cli = require.resolve('@redocly/cli/bin/cli.js');
  const result = spawnSync(process.execPath, [cli, 'lint', DOCUMENT_FILE], {
    cwd: ROOT,
    stdio: 'inherit',
    // No telemetry and no update check: the lint runs offline, on a fresh clone.
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  process.exitCode = result.status ?? 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
