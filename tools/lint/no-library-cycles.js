/**
 * Fails when the libraries and apps depend on each other in a cycle (auth ↔ tokens, say), which
 * dependency-cruiser's file-level no-circular rule misses when the files involved do not form a
 * cycle themselves. Reads `depcruise --collapse '^(libs|apps)/[^/]+' --output-type json` on
 * stdin; spec files are tests and left out.
 */
const input = require('node:fs').readFileSync(0, 'utf8');
const { modules } = JSON.parse(input);
const graph = new Map();
for (const module of modules) {
  if (!/^(libs|apps)\/[^/]+$/.test(module.source)) continue;
  const targets = module.dependencies
    .map((dependency) => dependency.resolved)
    .filter((target) => /^(libs|apps)\/[^/]+$/.test(target) && target !== module.source);
  graph.set(module.source, new Set(targets));
}
const cycles = [];
const state = new Map();
const stack = [];
function visit(node) {
  state.set(node, 'open');
  stack.push(node);
  for (const next of graph.get(node) ?? []) {
    if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
    else if (!state.has(next)) visit(next);
  }
  stack.pop();
  state.set(node, 'done');
}
for (const node of graph.keys()) if (!state.has(node)) visit(node);
if (cycles.length > 0) {
  for (const cycle of cycles) console.error(`library cycle: ${cycle.join(' → ')}`);
  process.exit(1);
}
console.log(`no library cycles (${graph.size} libraries and apps)`);
