// Runs inside Temporal's deterministic workflow sandbox: what a node's start (or retry) is, as plain
// data, before the engine asks for each job (prepareChildJob) and starts it (startChild).
import { currentJobs, jobsStarted, MAX_FLOW_JOBS, type FlowRun, type JobRun, type NodeRun } from './plan';
import { FlowReferenceError, readPath, resolveReferences, type Reference } from './references';

/** One job the engine is to start for a node. */
export interface PlannedJob {
  /** `${flowId}.${key}`, `${flowId}.${key}.${item}`; a retry's with `.r${attempt}`. */
  id: string;
  /** `key`, or `key[item]` for a fan-out item. */
  flowNode: string;
  item?: number;
  type: string;
  input: unknown;
  options?: Record<string, unknown>;
  /** The job of the same item this one retries. */
  retryOf?: string;
}

/** The id of a node's job, by the contract's scheme (CONTRACT.md: child job ids). */
export function flowJobId(flowId: string, key: string, attempt: number, item?: number): string {
  const base = item === undefined ? `${flowId}.${key}` : `${flowId}.${key}.${item}`;
  return attempt > 1 ? `${base}.r${attempt}` : base;
}

/** A node's job as its record names it (flowNode): `key`, or `key[item]` for a fan-out item. */
export function flowNodeName(key: string, item?: number): string {
  return item === undefined ? key : `${key}[${item}]`;
}

/** The node and item a flowNode names: `send[2]` → send, item 2; `sync` → item null. */
export function parseFlowNode(flowNode: string): { key: string; item: number | null } {
  const match = /^(.*)\[(\d+)\]$/.exec(flowNode);
  return match ? { key: match[1]!, item: Number(match[2]) } : { key: flowNode, item: null };
}

/** Which attempt of its node a job runs, read from its id (flowJobId: a retry's ends `.r<attempt>`), else 1. */
export function flowJobAttempt(jobId: string): number {
  const match = /\.r(\d+)$/.exec(jobId);
  return match ? Number(match[1]) : 1;
}

/**
 * What a reference reads: a node's result (`{{ sync.result.path }}`) or job id (`{{ sync.id }}`); a
 * fanned-out node's are the arrays of its items', in item order. A node that failed (continueOnFailure)
 * has no value to give: the node reading it fails, saying so.
 */
export function referenceValue(run: FlowRun, reference: Reference): unknown {
  const source = run.nodes.get(reference.source);
  if (!source) throw new FlowReferenceError(`${reference.text}: the flow has no node "${reference.source}"`);
  if (source.phase !== 'completed')
    throw new FlowReferenceError(
      `${reference.text}: node "${reference.source}" ${source.phase === 'failed' ? `failed (${source.error ?? 'no error'})` : 'has not completed'}`,
    );
  const jobs = currentJobs(source);
  const fanned = source.items !== undefined;
  if (reference.field === 'id') return fanned ? jobs.map((job) => job.id) : jobs[0]?.id;
  const result = fanned ? jobs.map((job) => job.result) : jobs[0]?.result;
  return readPath(result, reference.path);
}

/** The items of a fan-out: its list, or the list its reference reads (at most what the flow may still start). */
function fanOutItems(run: FlowRun, found: NodeRun): unknown[] {
  const { fanOut, key } = found.definition;
  if (fanOut === undefined) throw new Error(`node "${key}" has no fanOut`);
  if (Array.isArray(fanOut)) return fanOut;
  const items = resolveReferences(fanOut, (reference) => referenceValue(run, reference));
  if (!Array.isArray(items))
    throw new FlowReferenceError(`fanOut ${fanOut} is ${items === null ? 'null' : typeof items}, not a list`);
  const room = MAX_FLOW_JOBS - jobsStarted(run);
  if (items.length > room)
    throw new FlowReferenceError(
      `fanOut ${fanOut} has ${items.length} items; the flow may start ${room} more jobs (at most ${MAX_FLOW_JOBS} in all)`,
    );
  return items;
}

/**
 * Starts a node (its first run or a retry): the jobs to start, its attempt counted and each job listed
 * as running. When its input cannot be made (a reference without a value, a fan-out that is not a list
 * or too long) the node fails at once, naming the reference, and no job is started.
 * A retried fan-out reruns only its items that did not complete.
 */
export function startNode(run: FlowRun, key: string): PlannedJob[] {
  const found = run.nodes.get(key);
  if (!found) throw new Error(`the flow has no node "${key}"`);
  const { definition } = found;
  found.attempt += 1;
  found.phase = 'running';
  found.error = undefined;
  const previous = new Map(currentJobs(found).map((job) => [job.item ?? -1, job]));
  let planned: PlannedJob[];
  try {
    if (definition.fanOut === undefined) {
      planned = [plan(run, found, undefined, previous.get(-1))];
    } else {
      found.items ??= fanOutItems(run, found);
      planned = found.items.flatMap((_, item) => {
        const before = previous.get(item);
        return before?.state === 'completed' ? [] : [plan(run, found, item, before)];
      });
    }
    if (jobsStarted(run) + planned.length > MAX_FLOW_JOBS)
      throw new FlowReferenceError(
        `node "${key}" would bring the flow to ${jobsStarted(run) + planned.length} jobs; a flow starts at most ${MAX_FLOW_JOBS}`,
      );
  } catch (error) {
    if (!(error instanceof FlowReferenceError)) throw error;
    found.phase = 'failed';
    found.error = error.message;
    return [];
  }
  for (const job of planned)
    found.jobs.push({ id: job.id, ...(job.item !== undefined ? { item: job.item } : {}), state: 'running' } as JobRun);
  // A fan-out over an empty list has nothing to run: it completed.
  if (!planned.length && currentJobs(found).every((job) => job.state === 'completed')) found.phase = 'completed';
  return planned;
}

function plan(run: FlowRun, found: NodeRun, item: number | undefined, before: JobRun | undefined): PlannedJob {
  const { key, type, options } = found.definition;
  const input = resolveReferences(found.definition.input, (reference) =>
    reference.source === 'item' ? readPath(found.items?.[item ?? -1], reference.path) : referenceValue(run, reference),
  );
  return {
    id: flowJobId(run.flowId, key, found.attempt, item),
    flowNode: flowNodeName(key, item),
    ...(item !== undefined ? { item } : {}),
    type,
    input,
    ...(options ? { options } : {}),
    ...(before ? { retryOf: before.id } : {}),
  };
}
