import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * `vite build` only strips types; this plugin type-checks the UI (strict, DOM lib) first, so
 * `npm run build` fails on a type error. The root `npm run typecheck` leaves apps/web out: it
 * compiles for Node, not for the browser.
 */
function typecheck(): Plugin {
  return {
    name: 'typecheck',
    apply: 'build',
    buildStart() {
      const tsc = createRequire(join(here, 'package.json')).resolve('typescript/bin/tsc');
      const result = spawnSync(process.execPath, [tsc, '-p', join(here, 'tsconfig.app.json')], {
        encoding: 'utf8',
      });
      if (result.status !== 0) {
        this.error(`TypeScript errors in apps/web:\n${result.stdout}${result.stderr}`);
      }
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [typecheck()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: join(here, '../../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    // The type check is the slow part, on purpose: no timing warning for it.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
