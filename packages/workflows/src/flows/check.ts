import type { JobCatalog } from '../runtime/define-job';
import type { Actor } from '../runtime/roles';
import { checkMayStart } from '../control/start';
import { DomainError } from '../control/errors';
import { findReferences, FlowReferenceError, readPath, resolveReferences } from '../sandbox/flow/references';
import type { FlowDefinition, FlowProblem } from './definition';

/** At most this many input problems are told per node: the first ones say enough. */
const PROBLEMS_PER_NODE = 5;

/** Whether `path` is `site` or lies inside it. */
function within(path: ReadonlyArray<PropertyKey>, site: ReadonlyArray<string | number>): boolean {
  return site.length <= path.length && site.every((step, index) => String(path[index]) === String(step));
}

/**
 * What the job types say of a flow whose shape is valid (flowShapeProblems): each node's type exists,
 * the requester may start it, and its input is valid: where a reference to an upstream node stands, the
 * value is only known at run time, so the schema's word on that spot waits until then (the node's job
 * is checked again when it starts). A fan-out over a list is checked item by item.
 */
export function checkFlowNodes(flow: FlowDefinition, catalog: JobCatalog, actor: Actor): FlowProblem[] {
  const problems: FlowProblem[] = [];
  for (const [index, node] of flow.nodes.entries()) {
    const where = `node "${node.key}"`;
    const jobType = catalog.find(node.type);
    if (!jobType) {
      problems.push({ path: ['nodes', index, 'type'], message: `${where}: unknown job type "${node.type}"` });
      continue;
    }
    try {
      checkMayStart(jobType, actor);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      problems.push({ path: ['nodes', index, 'type'], message: `${where}: ${error.message}` });
      continue;
    }
    const laterSites = findReferences(node.input).flatMap((site) =>
      'reference' in site && site.reference.source !== 'item' ? [site.at] : [],
    );
    const items = Array.isArray(node.fanOut) ? node.fanOut : [undefined];
    const found: FlowProblem[] = [];
    for (const [itemIndex, item] of items.entries()) {
      // The item is known now: only references to upstream nodes wait (they stay as written).
      let input = node.input;
      try {
        if (item !== undefined)
          input = resolveReferences(node.input, (reference) =>
            reference.source === 'item' ? readPath(item, reference.path) : reference.text,
          );
      } catch (error) {
        if (!(error instanceof FlowReferenceError)) throw error;
        found.push({
          path: ['nodes', index, 'fanOut', itemIndex],
          message: `${where} (fanOut item ${itemIndex}): ${error.message}`,
        });
        continue;
      }
      const parsed = jobType.input.safeParse(input);
      if (parsed.success) continue;
      for (const issue of parsed.error.issues) {
        if (laterSites.some((site) => within(issue.path, site))) continue;
        const field = ['input', ...issue.path].join('.');
        const ofItem = Array.isArray(node.fanOut) ? ` (fanOut item ${itemIndex})` : '';
        found.push({
          path: ['nodes', index, 'input', ...issue.path.map(String)],
          message: `${where}${ofItem}: ${field}: ${issue.message}`,
        });
      }
      if (found.length >= PROBLEMS_PER_NODE) break;
    }
    problems.push(...found.slice(0, PROBLEMS_PER_NODE));
  }
  return problems;
}
