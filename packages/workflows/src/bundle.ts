import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jobTypes } from './catalog';

/**
 * The workflow bundle's entry is derived from the registry, so a job type is registered in one
 * place: each job's `workflow.ts` export becomes a Temporal workflow type.
 */
export function writeWorkflowsEntry(): string {
  const dir = fileURLToPath(new URL('../.generated/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const path = `${dir}workflows.ts`;
  const lines = jobTypes.map(
    (jobType) => `export { ${jobType.workflowType} } from ${JSON.stringify(jobType.workflowModule)};`,
  );
  writeFileSync(
    path,
    `// Generated from src/registry.ts by writeWorkflowsEntry(); do not edit.\n${lines.join('\n')}\n`,
  );
  return path;
}
