import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The product's version: package.json's, found by walking up from this file (it sits at a
 * different depth in the sources, in dist/ and in the container image, which copies package.json).
 * MCP clients show it as the server's version and the CLI prints it: the real one, not a
 * constant in the code.
 */
export function productVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'personal-access-tokens' && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}
