// The TypeScript side of `npm run bench`, loaded by scripts/bench.mjs with tsx's tsImport in one
// go (one module graph, so the search attribute keys and the SDK are single instances):
//  - the typed Jobdeck client, as a service holds it;
//  - the raw Temporal baseline: the same calls Jobdeck's API makes to Temporal, made directly with
//    @temporalio/client, so that every "overhead vs raw Temporal" figure compares like with like.
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { defaultQueues, findJobType, jobTypes, LIVE_STATES } from '../../packages/workflows/src/index';
import { enqueueOptions, jobsQuery, jobStart, newJobId, stateClause, type EnqueueOptions, type JobFilter } from '../../packages/workflows/src/control/index';
import { jobdeckDataConverter } from '../../packages/workflows/src/codec/index';

export { createJobdeckClient } from '../../apps/api/src/client';

export interface RawTemporal {
  client: Client;
  /** What `jobs.enqueue` sends Temporal for a job without idempotency key (options as enqueue takes them). */
  start(type: string, input: unknown, requestedBy: string, options?: EnqueueOptions): Promise<{ id: string; runId: string }>;
  /** What `jobs.list` asks Temporal for (the Postgres join is left out). */
  list(filter: JobFilter, pageSize: number): Promise<number>;
  /** What `jobs.get` asks Temporal for. */
  describe(id: string): Promise<string>;
  /** The visibility counts one uncached `jobs.stats` makes, all at once as the API does. */
  statsCounts(): Promise<number>;
  /** The visibility queries of one uncached `jobs.stats`. */
  statsQueries(): Array<{ kind: 'count' | 'list'; query: string }>;
  /** Resolves (never rejects) when the workflow has closed, with Temporal's own start and close times. */
  closed(id: string): Promise<{ ok: boolean; startTime: number; closeTime: number | null; status: string }>;
  close(): Promise<void>;
}

/**
 * encryptionKeys: the stack's JOBDECK_ENCRYPTION_KEYS. The baseline encrypts as the API does (so the
 * comparison stays like with like), and must, to read the results of the jobs Jobdeck's worker ran.
 */
export async function connectRawTemporal(address: string, encryptionKeys: string, namespace = 'default'): Promise<RawTemporal> {
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace, dataConverter: jobdeckDataConverter(encryptionKeys) });

  // The envelope and start options come from jobStart, the very code jobs.enqueue (startJob) uses;
  // only the Postgres record and the live event that startJob adds around the start are left out.
  async function start(type: string, input: unknown, requestedBy: string, options: EnqueueOptions = {}) {
    const jobType = findJobType(type);
    if (!jobType) throw new Error(`unknown job type ${type}`);
    const now = new Date();
    const id = newJobId(jobType.type, now);
    const { workflowOptions } = jobStart({ jobType, id, input, options: enqueueOptions.parse(options), requestedBy: { name: requestedBy, role: 'operator' }, now });
    const handle = await client.workflow.start(jobType.workflowType, {
      ...workflowOptions,
      workflowId: id,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
    return { id, runId: handle.firstExecutionRunId };
  }

  async function list(filter: JobFilter, pageSize: number) {
    const response = await client.workflowService.listWorkflowExecutions({ namespace, query: jobsQuery(filter), pageSize });
    return response.executions?.length ?? 0;
  }

  async function describe(id: string) {
    const description = await client.workflow.getHandle(id).describe();
    return description.status.name;
  }

  // The visibility calls jobs.stats makes (collectStats in apps/api/src/jobs/read.ts), made raw:
  // a GROUP BY count per type and per queue, one listing of the running and one of the lately closed.
  function statsQueries() {
    const queues = [...new Set([...defaultQueues(), ...jobTypes.map((jobType) => jobType.queue)])];
    const filters: JobFilter[] = [...jobTypes.map((jobType) => ({ type: jobType.type })), ...queues.map((queue) => ({ queue }))];
    const since = new Date(Date.now() - 5 * 60_000).toISOString();
    return [
      ...filters.map((filter) => ({ kind: 'count' as const, query: `${jobsQuery(filter)} GROUP BY ExecutionStatus` })),
      { kind: 'list' as const, query: `${jobsQuery({})} AND ExecutionStatus='Running'` },
      { kind: 'list' as const, query: `${jobsQuery({})} AND CloseTime > '${since}'` },
    ];
  }

  async function statsCounts() {
    const queries = statsQueries();
    await Promise.all(
      queries.map((entry) =>
        entry.kind === 'count'
          ? client.workflow.count(entry.query)
          : client.workflowService.listWorkflowExecutions({ namespace, query: entry.query, pageSize: 1000 }),
      ),
    );
    return queries.length;
  }

  async function closed(id: string) {
    const handle: WorkflowHandle = client.workflow.getHandle(id);
    try {
      const ok = await handle.result().then(() => true, () => false);
      const description = await handle.describe();
      return {
        ok,
        startTime: description.startTime.getTime(),
        closeTime: description.closeTime?.getTime() ?? null,
        status: description.status.name,
      };
    } catch (error) {
      return { ok: false, startTime: NaN, closeTime: null, status: `not described: ${(error as Error).message}` };
    }
  }

  return { client, start, list, describe, statsCounts, statsQueries, closed, close: () => connection.close() };
}
