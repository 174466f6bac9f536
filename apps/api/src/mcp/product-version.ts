import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The product's version as released: `version` of the nearest package.json above this file
 * (the repository root, from the sources and from dist alike). MCP clients show it as the
 * server's version, so it must be the real one, not a constant in the code.
 */
export function productVersion(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    version?: unknown;
  };
  if (typeof manifest.version !== 'string' || manifest.version === '') {
    throw new Error(`${join(dir, 'package.json')} has no version`);
  }
  return manifest.version;
}
