import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';

/** The repository (or image) root: the nearest folder above this file with a package.json. */
function projectRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Where the web UI's build lands (`npm run build:web`), from the sources and from dist alike. */
export const WEB_UI_DIR = join(projectRoot(), 'dist', 'web');

/** Serves the web UI at `/` when it has been built; the API works without it. */
export function useWebUi(app: NestExpressApplication): void {
  if (!existsSync(join(WEB_UI_DIR, 'index.html'))) return;
  app.useStaticAssets(WEB_UI_DIR, { index: 'index.html', fallthrough: true });
}
