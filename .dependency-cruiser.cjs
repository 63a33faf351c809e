// Layering rules checked by `npm run lint` (CLAIMS.md's kernels stay below the verification machinery).
const kernels = '^src/(linalg|losses|network|data|trainer|metrics|maxMargin|exact)/';
const upper = '^src/(arbitraries|verify|report|figures|plots|cli)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A module may not reach itself through its imports: cycles hide which room depends on which.',
      from: {},
      // a type-only import erases at compile time, so it cannot form a load-order cycle (kernels/simd.ts names GradientWorkspace)
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment: 'Folders form layers too: verify may not import report while report imports verify.',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'kernels-stay-down',
      severity: 'error',
      comment:
        'Kernels (linalg, losses, network, data, trainer, metrics, maxMargin, exact) never import from arbitraries, verify, report, figures, plots or cli.',
      from: { path: kernels },
      to: { path: upper },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // tests may use anything below or beside them (a kernel's test may draw from a generator); only code is layered
    // src/package/fixtures/*.mjs run only inside the pack test's fresh folder, where 'dlncheck' is the installed package
    exclude: { path: ['^(node_modules|reports)/', '\\.test\\.ts$', '^src/package/fixtures/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.json'],
    },
  },
};
