import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { backendEnvironment } from './test-app';

/** The operator CLI as operators run it: the built `dist/apps/cli/src/main.js`. */
export const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');

export function assertCliBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
}

/** Runs one CLI command on a data folder (and its backends), as a separate process. */
export function cli(dataDir: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, ...backendEnvironment(dataDir) },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
