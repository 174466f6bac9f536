'use strict';
/**
 * Loads TypeScript in the bench's child processes: `@pat/*` paths through tsconfig-paths and a
 * transpile-only compile (like ts-node --transpile-only) whose output is cached on disk by
 * content, so that starting a server does not recompile the whole app each time. Plain JS
 * because it has to run before any TypeScript can.
 */
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'pat-bench-ts');

require('tsconfig-paths').register({
  baseUrl: ROOT,
  paths: readCompilerOptions().paths,
});

let typescript = null;
let compilerOptions = null;

function readCompilerOptions() {
  const file = path.join(ROOT, 'tsconfig.json');
  try {
    // Plain JSON: no need to load typescript when everything is cached.
    return JSON.parse(fs.readFileSync(file, 'utf8')).compilerOptions;
  } catch {
    // JSON with comments or trailing commas: let TypeScript read it.
    return require('typescript').readConfigFile(file, (f) => fs.readFileSync(f, 'utf8')).config
      .compilerOptions;
  }
}

function transpile(source, filename) {
  if (typescript === null) {
    typescript = require('typescript');
    const parsed = typescript.convertCompilerOptionsFromJson(readCompilerOptions(), ROOT);
    compilerOptions = {
      ...parsed.options,
      module: typescript.ModuleKind.CommonJS,
      sourceMap: false,
      inlineSourceMap: true,
      inlineSources: false,
      declaration: false,
      noEmit: false,
    };
  }
  return typescript.transpileModule(source, { compilerOptions, fileName: filename }).outputText;
}

const version = (() => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/typescript/package.json')));
  return `${pkg.version}:${fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')}`;
})();

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const key = createHash('sha256').update(version).update(filename).update(source).digest('hex');
  const cached = path.join(CACHE_DIR, `${key}.js`);
  let output;
  try {
    output = fs.readFileSync(cached, 'utf8');
  } catch {
    output = transpile(source, filename);
    try {
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      const temporary = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, output);
      fs.renameSync(temporary, cached);
    } catch {
      // A cache that cannot be written only costs time.
    }
  }
  module._compile(output, filename);
};

// Stack traces through the inline source maps point at the TypeScript lines.
process.setSourceMapsEnabled(true);
