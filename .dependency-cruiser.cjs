/**
 * The layer rules of DESIGN.md section 1, enforced in CI (`npm run lint:layers`).
 * Each rule names what a folder must not reach; node_modules packages are matched by path.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'shared-is-pure',
      comment: 'shared/ holds the contract and domain data: nothing of ours, no Node, no DOM libraries.',
      severity: 'error',
      from: { path: '^shared/' },
      to: {
        pathNot: ['^shared/', '^node_modules/zod/'],
      },
    },
    {
      name: 'shared-no-node-builtins',
      severity: 'error',
      from: { path: '^shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-no-ui-no-electron',
      comment: 'electron/core/ is plain Node: never electron, react or dexie, never main/preload/host/renderer.',
      severity: 'error',
      from: { path: '^electron/core/' },
      to: {
        path: [
          '^node_modules/(electron|react|react-dom|dexie|dexie-react-hooks|zustand)/',
          '^electron/(main|preload|host)/',
          '^renderer/',
          '^server/',
          '^tests/',
        ],
      },
    },
    {
      name: 'core-no-electron-module',
      severity: 'error',
      from: { path: '^electron/core/' },
      to: { path: '^electron$', dependencyTypes: ['npm', 'npm-dev', 'unknown', 'undetermined', 'npm-no-pkg'] },
    },
    {
      name: 'host-layers',
      comment: 'The web host may use the core, shared and Node, nothing of Electron or the renderer.',
      severity: 'error',
      from: { path: '^electron/host/' },
      to: {
        path: ['^node_modules/(electron|react|react-dom|dexie)/', '^electron/(main|preload)/', '^renderer/', '^server/', '^tests/'],
      },
    },
    {
      name: 'main-layers',
      comment: 'electron/main may use the core, shared and electron; never the renderer, host or preload code.',
      severity: 'error',
      from: { path: '^electron/main/' },
      to: { path: ['^electron/(host|preload)/', '^renderer/', '^server/', '^tests/', '^node_modules/(react|react-dom|dexie)/'] },
    },
    {
      name: 'preload-layers',
      comment: 'The preload sees shared and electron only; it is bundled into one sandboxed file.',
      severity: 'error',
      from: { path: '^electron/preload/' },
      to: { path: ['^electron/(core|host|main)/', '^renderer/', '^server/', '^tests/', '^node_modules/(react|react-dom|dexie)/'] },
    },
    {
      name: 'renderer-only-shared',
      comment: 'The renderer talks to the core only through the bridge; it may import shared/ and browser libraries. (vite.config.ts is Node build tooling, not app code.)',
      severity: 'error',
      from: { path: '^renderer/', pathNot: '^renderer/(admin/)?vite\\.config\\.ts$' },
      to: { path: ['^electron/', '^server/', '^tests/', '^bench/', '^scripts/', '^node_modules/(electron|openai|@anthropic-ai|@google/genai|libsql|conf)/'] },
    },
    {
      name: 'renderer-no-node-builtins',
      severity: 'error',
      from: { path: '^renderer/', pathNot: '^renderer/(admin/)?vite\\.config\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'server-layers',
      comment: 'The team server uses shared/ and the core (the same router, adapters, catalog and cost code as the app, never a copy); never Electron, the host, the renderer or UI libraries.',
      severity: 'error',
      from: { path: '^server/' },
      to: {
        path: ['^electron/(main|preload|host)/', '^renderer/', '^tests/', '^node_modules/(electron|react|react-dom|dexie|dexie-react-hooks|zustand)/'],
      },
    },
    {
      name: 'server-no-electron-module',
      severity: 'error',
      from: { path: '^server/' },
      to: { path: '^electron$', dependencyTypes: ['npm', 'npm-dev', 'unknown', 'undetermined', 'npm-no-pkg'] },
    },
    {
      name: 'no-production-imports-of-tests',
      severity: 'error',
      from: { path: '^(shared|electron|renderer|server)/' },
      to: { path: '^(tests|bench)/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      severity: 'error',
      from: { pathNot: '^node_modules' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(out|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
