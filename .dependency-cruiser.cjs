// Import rules checked by `npm test` (scripts/test.mjs, before the suites) and `npm run check:imports`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A runtime import cycle makes a module read another before it has initialised: whichever is imported first ' +
        'throws (ReferenceError: Cannot access … before initialization). Type-only imports are erased at compile ' +
        "time and may point both ways (a job's activities take its input type from the job's definition).",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'workflow-code-stays-in-the-sandbox',
      severity: 'error',
      comment:
        "The shell runs inside Temporal's deterministic sandbox: it may import @temporalio/workflow and types, " +
        'never Node built-ins (see the README on determinism).',
      from: { path: '^packages/workflows/src/(runtime/(workflow|shell/|records/sinks)|jobs/[^/]+/workflow)' },
      to: { dependencyTypes: ['core'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', 'src/generated/', '\\.data/', 'dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
