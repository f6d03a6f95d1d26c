// The import rules `npm test` checks (.dependency-cruiser.cjs) catch what they are there for: a runtime
// import cycle, and a Node built-in in workflow code. Type-only cycles are allowed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = new URL('../../', import.meta.url).pathname;

/** Writes the files in a scratch folder of the source tree, runs the check on it, and removes it. */
function check(folder, files) {
  const dir = join(repoRoot, folder);
  mkdirSync(dir, { recursive: true });
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const result = spawnSync(
      join(repoRoot, 'node_modules', '.bin', 'depcruise'),
      [folder, '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    return { status: result.status, said: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('import rules', () => {
  const scratch = `packages/workflows/src/jobs/zz-import-check-${process.pid}`;

  it('refuse a runtime import cycle', () => {
    const result = check(scratch, {
      'a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'b.ts': "import { a } from './a';\nexport const b = () => a;\n",
    });
    expect(result.status).not.toBe(0);
    expect(result.said).toMatch(/no-circular/);
  });

  it('allow a cycle of type-only imports', () => {
    const result = check(scratch, {
      'a.ts': "import type { B } from './b';\nexport type A = { b?: B };\n",
      'b.ts': "import type { A } from './a';\nexport type B = { a?: A };\n",
    });
    expect(result).toMatchObject({ status: 0 });
  });

  it('refuse a Node built-in in workflow code', () => {
    const result = check(scratch, {
      'workflow.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
    });
    expect(result.status).not.toBe(0);
    expect(result.said).toMatch(/workflow-code-stays-in-the-sandbox/);
  });

  it("refuse workflow code that imports the worker's side of the package", () => {
    const result = check(scratch, {
      'workflow.ts': "import { createEventBus } from '../../runtime/events';\nexport const bus = createEventBus;\n",
    });
    expect(result.status).not.toBe(0);
    expect(result.said).toMatch(/sandbox-imports-sandbox-code/);
  }, 20_000);

  it("allow workflow code the worker's side of the package as types", () => {
    const result = check(scratch, {
      'workflow.ts': "import type { EventBus } from '../../runtime/events';\nexport type Bus = EventBus;\n",
    });
    expect(result).toMatchObject({ status: 0 });
  }, 20_000);
});
