/**
 * Dependency rules, enforced in `npm run lint`. The one that matters most: domain code is pure.
 * It imports no adapter, no Nest infrastructure, no database driver and no other layer.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'Domain code (libs/*/src/domain) may import only other domain code, @pat/shared and Node built-ins: no Nest, no adapters, no drivers. Its specs are tests, free to use test helpers.',
      severity: 'error',
      from: { path: '^libs/[^/]+/src/domain/', pathNot: '\\.spec\\.ts$' },
      to: {
        pathNot: ['^libs/[^/]+/src/domain/', '^libs/shared/src/(errors|event|time)\\.ts$'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'domain-has-no-clock-access',
      comment: 'Time is passed in: domain code never reads the system clock object.',
      severity: 'error',
      from: { path: '^libs/[^/]+/src/domain/' },
      to: { path: '^libs/shared/src/clock\\.ts$' },
    },
    {
      name: 'ports-do-not-know-adapters',
      comment: 'Ports and application code depend on interfaces, not on concrete adapters.',
      severity: 'error',
      from: {
        path: '^libs/',
        pathNot: [
          '^libs/backends/',
          '^libs/[^/]+/src/index\\.ts$',
          '/(sqlite|embedded|eventstoredb|mongo)/',
          '\\.spec\\.ts$',
        ],
      },
      to: { path: '^libs/[^/]+/src/(sqlite|embedded|eventstoredb|mongo)/' },
    },
    {
      name: 'access-is-a-leaf',
      comment:
        'Principal and the access decorators (libs/access) are what every context’s controllers use: they depend on nothing but shared code, so no context has to depend on auth.',
      severity: 'error',
      from: { path: '^libs/access/' },
      to: { path: '^libs/', pathNot: '^libs/(access|shared)/' },
    },
    {
      name: 'read-models-are-private',
      comment:
        'A context’s read models (libs/<context>/src/read-models/) are its own: other libraries and the apps reach them only through the context’s index.',
      severity: 'error',
      from: { path: '^(libs/[^/]+|apps/[^/]+)/' },
      to: { path: '^libs/[^/]+/src/read-models/', pathNot: '^$1/' },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      severity: 'warn',
      from: { orphan: true, pathNot: ['\\.d\\.ts$', '(^|/)\\.[^/]+\\.(js|cjs|mjs|ts|json)$'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
