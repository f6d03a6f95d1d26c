// Import rules checked by `npm test` (scripts/test.mjs, before the suites) and `npm run check:imports`.

/** Code that Temporal bundles into its deterministic workflow sandbox: the shell, and each job's workflow.ts. */
const SANDBOX = '^packages/workflows/src/(sandbox/|jobs/[^/]+/workflow\\.ts$)';
/** The plain words of runtime/ the sandbox also imports (no I/O, no Node): bundled with it. */
const SANDBOX_SAFE_RUNTIME =
  '^packages/workflows/src/runtime/(states|roles|envelope|search-attributes|bookkeeping-errors|records/sinks)\\.ts$';

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
        "Workflow code runs inside Temporal's deterministic sandbox: it may import @temporalio/workflow and types, " +
        'never Node built-ins (see the README on determinism).',
      from: { path: [SANDBOX, SANDBOX_SAFE_RUNTIME] },
      to: { dependencyTypes: ['core'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'sandbox-imports-sandbox-code',
      severity: 'error',
      comment:
        'What workflow code imports is bundled into the sandbox with it: within this package, only the sandbox/ ' +
        "folder and runtime/'s plain words. Anything else (activities, records, the event bus) only as a type.",
      from: { path: SANDBOX },
      to: {
        path: '^packages/workflows/src/',
        pathNot: ['^packages/workflows/src/sandbox/', SANDBOX_SAFE_RUNTIME],
        dependencyTypesNot: ['type-only'],
      },
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
