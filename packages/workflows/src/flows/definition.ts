import { z } from 'zod';
import { jobOptions, MAX_JOB_TIMEOUT_MS } from '../control/start';
import { ancestorsOf, findCycle, parentsOf } from '../sandbox/flow/graph';
import { findReferences } from '../sandbox/flow/references';

/** The most nodes one flow declares, and the most jobs it may start (fan-out items and retries included). */
export const MAX_FLOW_NODES = 100;
export const MAX_FLOW_EDGES = 500;
export const MAX_FLOW_JOBS = 1_000;
/** How long a flow with a failed node waits for a retry by default before it fails: three days. */
export const DEFAULT_RETRY_WINDOW_MS = 3 * 86_400_000;

/** A node's key: short, readable in job ids (`<flow id>.<key>`) and in references (`{{ sync.result }}`). */
export const flowNodeKey = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a node key is 1 to 40 lower-case letters, digits, - or _, starting with a letter')
  .refine((key) => key !== 'item', '"item" is reserved for a fan-out\'s item ({{ item }})');

/** What a node may set of its job's options: a template's or a schedule's (jobOptions); the rest is the flow's to decide. */
export const flowNodeOptions = jobOptions;

export const flowNodeDefinition = z
  .object({
    key: flowNodeKey,
    type: z
      .string()
      .regex(/^[a-z][a-z0-9.-]*$/, 'type is a job type such as report.generate')
      .max(100),
    /** The job's input, as jobs.enqueue takes it; may hold references to upstream nodes (README, Flows). */
    input: z.unknown().default({}),
    options: flowNodeOptions.optional(),
    /**
     * One job per item instead of one: a list, or a reference to an upstream node's list result
     * (`{{ sync.result.accounts }}`). The input reads the item as `{{ item }}` / `{{ item.<path> }}`.
     */
    fanOut: z.union([z.array(z.unknown()).min(1).max(MAX_FLOW_JOBS), z.string().max(500)]).optional(),
    /** The nodes after this one start even if it fails (its result is then missing to them). */
    continueOnFailure: z.boolean().default(false),
  })
  .strict();

export const flowDefinition = z
  .object({
    /** What the flow is, in the dashboard and the Temporal UI's input panel. */
    name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      // eslint-disable-next-line no-control-regex -- control characters are what this refuses
      .regex(/^[^\u0000-\u001f\u007f]*$/, 'name must not hold control characters'),
    nodes: z.array(flowNodeDefinition).min(1).max(MAX_FLOW_NODES),
    /** `from` must complete before `to` starts. */
    edges: z
      .array(z.object({ from: flowNodeKey, to: flowNodeKey }).strict())
      .max(MAX_FLOW_EDGES)
      .default([]),
    /**
     * When a node fails (and does not continueOnFailure): `stop` starts nothing more (running nodes
     * finish); `continue` lets the branches that do not depend on it run to their end.
     */
    onFailure: z.enum(['stop', 'continue']).default('stop'),
    /** How long a flow with a failed node waits for flows.retryNode before it fails; 0 fails at once. */
    retryWindowMs: z.number().int().min(0).max(MAX_JOB_TIMEOUT_MS).default(DEFAULT_RETRY_WINDOW_MS),
  })
  .strict()
  .superRefine((flow, ctx) => {
    for (const problem of flowShapeProblems(flow)) ctx.addIssue({ code: 'custom', ...problem });
  });

export type FlowDefinition = z.output<typeof flowDefinition>;
export type FlowDefinitionInput = z.input<typeof flowDefinition>;
export type FlowNodeDefinition = z.output<typeof flowNodeDefinition>;

export interface FlowProblem {
  path: Array<string | number>;
  message: string;
}

/**
 * What makes a flow's graph unusable, each naming the node: duplicate keys, edges to nodes that do not
 * exist, cycles, references to nodes that are not upstream, `{{ item }}` outside a fan-out, and more
 * jobs than a flow may start. What needs the job types (types, roles, inputs) is checkFlowNodes'.
 */
export function flowShapeProblems(flow: Pick<FlowDefinition, 'nodes' | 'edges'>): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const keys = flow.nodes.map((node) => node.key);
  const seen = new Set<string>();
  for (const [index, key] of keys.entries()) {
    if (seen.has(key)) problems.push({ path: ['nodes', index, 'key'], message: `node "${key}" is declared twice` });
    seen.add(key);
  }
  let dangling = false;
  for (const [index, edge] of flow.edges.entries()) {
    for (const end of ['from', 'to'] as const)
      if (!seen.has(edge[end])) {
        dangling = true;
        problems.push({
          path: ['edges', index, end],
          message: `edge ${edge.from} → ${edge.to}: there is no node "${edge[end]}"`,
        });
      }
    if (edge.from === edge.to)
      problems.push({ path: ['edges', index], message: `node "${edge.from}" cannot depend on itself` });
  }
  if (problems.length) return problems;
  const cycle = findCycle(keys, flow.edges);
  if (cycle) {
    const first = keys.indexOf(cycle[0]!);
    return [{ path: ['nodes', first], message: `the flow has a cycle: ${cycle.join(' → ')}` }];
  }
  if (dangling) return problems;

  const parents = parentsOf(keys, flow.edges);
  let jobs = 0;
  for (const [index, node] of flow.nodes.entries()) {
    const upstream = ancestorsOf(node.key, parents);
    const where = `node "${node.key}"`;
    const check = (value: unknown, path: Array<string | number>, allowItem: boolean) => {
      for (const site of findReferences(value)) {
        const at = [...path, ...site.at];
        if ('problem' in site) problems.push({ path: at, message: `${where}: ${site.problem}` });
        else if (site.reference.source === 'item') {
          if (!allowItem)
            problems.push({ path: at, message: `${where}: ${site.reference.text} is only known to a fan-out's input` });
        } else if (!upstream.has(site.reference.source))
          problems.push({
            path: at,
            message: `${where}: ${site.reference.text} refers to "${site.reference.source}", which is not upstream of it`,
          });
      }
    };
    check(node.input, ['nodes', index, 'input'], node.fanOut !== undefined);
    if (typeof node.fanOut === 'string') {
      const sites = findReferences(node.fanOut);
      const only = sites[0];
      if (sites.length !== 1 || !only || 'problem' in only || !only.whole || only.reference.field !== 'result')
        problems.push({
          path: ['nodes', index, 'fanOut'],
          message: `${where}: fanOut is a list, or exactly one reference to an upstream node's result ({{ <node>.result.<path> }})`,
        });
      else check(node.fanOut, ['nodes', index, 'fanOut'], false);
      jobs += 1;
    } else {
      if (node.fanOut) check(node.fanOut, ['nodes', index, 'fanOut'], false);
      jobs += node.fanOut?.length ?? 1;
    }
  }
  if (jobs > MAX_FLOW_JOBS)
    problems.push({ path: ['nodes'], message: `the flow would start ${jobs} jobs; at most ${MAX_FLOW_JOBS}` });
  return problems;
}
