// The TypeScript side of `npm run bench`, loaded by scripts/bench.mjs with tsx's tsImport in one
// go (one module graph, so the search attribute keys and the SDK are single instances):
//  - the typed Jobdeck client, as a service holds it;
//  - raw Temporal: the same calls Jobdeck's API makes to Temporal, made directly with
//    @temporalio/client, so that every "vs Temporal's own call" figure compares like with like;
//  - the bare workflow (scripts/bench/bare-workflow.ts): one activity, no Jobdeck shell, the limit;
//  - cheap visibility volume: closed executions that carry JobType, for the reads at volume.
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import proto from '@temporalio/proto';
import { defaultQueues, findJobType, jobTypes, JobStateKey, JobTypeKey } from '../../packages/workflows/src/index';
import {
  enqueueOptions,
  jobsQuery,
  buildJobStart,
  newJobId,
  type EnqueueOptions,
  type JobFilter,
} from '../../packages/workflows/src/control/index';
import { jobdeckDataConverter } from '../../packages/workflows/src/codec/index';
import type { BareInput } from './bare-activities';

/** One page of running jobs, as stats counted in visibility would list them. */
const RUNNING_PAGE = 200;

export { createJobdeckClient } from '../../apps/api/src/client';

export interface Closed {
  ok: boolean;
  startTime: number;
  closeTime: number | null;
  status: string;
}

export interface History {
  events: number;
  /** Event type → how many, e.g. ACTIVITY_TASK_SCHEDULED: 3. */
  byType: Record<string, number>;
}

export interface RawTemporal {
  client: Client;
  /** What `jobs.enqueue` sends Temporal for a job without idempotency key (options as enqueue takes them). */
  start(
    type: string,
    input: unknown,
    requestedBy: string,
    options?: EnqueueOptions,
  ): Promise<{ id: string; runId: string }>;
  /** What `jobs.list` asks Temporal for (the Postgres join is left out). */
  list(filter: JobFilter, pageSize: number): Promise<number>;
  /** What `jobs.get` asks Temporal for. */
  describe(id: string): Promise<string>;
  /** The visibility calls one uncached `jobs.stats` makes, all at once as the API does. */
  statsCalls(queues: string[]): Promise<number>;
  /** Resolves (never rejects) when the workflow has closed, with Temporal's own start and close times. */
  closed(id: string): Promise<Closed>;
  history(id: string): Promise<History>;
  /** Executions matching a visibility query. */
  count(query: string): Promise<number>;
  bare: {
    /** Starts the bare workflow on the bare worker's queue. */
    start(input: BareInput): Promise<string>;
    closed(id: string): Promise<Closed>;
    history(id: string): Promise<History>;
  };
  /**
   * Starts `count` executions that carry JobType (so every Jobdeck read sees them) on a queue no
   * worker polls, each ending as timed out a second later: visibility volume at one start each.
   * Their ids are `${prefix}${from}` … `${prefix}${from + count - 1}`.
   */
  seed(params: {
    prefix: string;
    from: number;
    count: number;
    type: string;
    queue: string;
    concurrency: number;
  }): Promise<void>;
  close(): Promise<void>;
}

const EVENT_TYPE_NAMES = Object.fromEntries(
  Object.entries(proto.temporal.api.enums.v1.EventType).map(([name, value]) => [
    value,
    name.replace(/^EVENT_TYPE_/, ''),
  ]),
);

async function historyOf(client: Client, id: string): Promise<History> {
  const history = await client.workflow.getHandle(id).fetchHistory();
  const byType: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const name = EVENT_TYPE_NAMES[event.eventType ?? 0] ?? String(event.eventType);
    byType[name] = (byType[name] ?? 0) + 1;
  }
  return { events: history.events?.length ?? 0, byType };
}

async function closedOf(client: Client, id: string): Promise<Closed> {
  const handle: WorkflowHandle = client.workflow.getHandle(id);
  try {
    const ok = await handle.result().then(
      () => true,
      () => false,
    );
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

/**
 * encryptionKeys: the stack's JOBDECK_ENCRYPTION_KEYS. The raw client encrypts as the API does (so
 * the comparison stays like with like), and must, to read the results of Jobdeck's jobs. The bare
 * workflow uses Temporal's default converter: it is Temporal without Jobdeck.
 */
export async function connectRawTemporal(
  address: string,
  encryptionKeys: string,
  bareQueue: string,
  namespace = 'default',
): Promise<RawTemporal> {
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace, dataConverter: jobdeckDataConverter(encryptionKeys) });
  const plain = new Client({ connection, namespace });

  // The envelope and start options come from buildJobStart, the very code jobs.enqueue (startJobWorkflow) uses;
  // only the Postgres record and the live event that startJobWorkflow adds around the start are left out.
  async function start(type: string, input: unknown, requestedBy: string, options: EnqueueOptions = {}) {
    const jobType = findJobType(type);
    if (!jobType) throw new Error(`unknown job type ${type}`);
    const now = new Date();
    const id = newJobId(jobType.type, now);
    const { workflowOptions } = buildJobStart({
      jobType,
      id,
      input,
      options: enqueueOptions.parse(options),
      requestedBy: { name: requestedBy, role: 'operator' },
      now,
    });
    const handle = await client.workflow.start(jobType.workflowType, {
      ...workflowOptions,
      workflowId: id,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
    return { id, runId: handle.firstExecutionRunId };
  }

  async function list(filter: JobFilter, pageSize: number) {
    const response = await client.workflowService.listWorkflowExecutions({
      namespace,
      query: jobsQuery(filter),
      pageSize,
    });
    return response.executions?.length ?? 0;
  }

  async function describe(id: string) {
    return (await client.workflow.getHandle(id).describe()).status.name;
  }

  // What jobs.stats would cost counted in Temporal's visibility instead of the records: a GROUP BY
  // count per type and per queue, and one page of the running jobs. The reference it is held to.
  async function statsCalls(queues: string[]) {
    const filters: JobFilter[] = [
      ...jobTypes.map((jobType) => ({ type: jobType.type })),
      ...[...new Set([...defaultQueues(), ...queues])].map((queue) => ({ queue })),
    ];
    await Promise.all([
      ...filters.map((filter) => client.workflow.count(`${jobsQuery(filter)} GROUP BY ExecutionStatus`)),
      client.workflowService.listWorkflowExecutions({
        namespace,
        query: `${jobsQuery({})} AND ExecutionStatus='Running'`,
        pageSize: RUNNING_PAGE,
      }),
    ]);
    return filters.length + 1;
  }

  let bareCounter = 0;
  const bare = {
    async start(input: BareInput) {
      const id = `bare-${process.pid}-${Date.now()}-${bareCounter++}`;
      await plain.workflow.start('bareJob', { taskQueue: bareQueue, workflowId: id, args: [input] });
      return id;
    },
    closed: (id: string) => closedOf(plain, id),
    history: (id: string) => historyOf(plain, id),
  };

  async function seed({ prefix, from, count, type, queue, concurrency }: Parameters<RawTemporal['seed']>[0]) {
    let next = from;
    const end = from + count;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, count) }, async () => {
        while (next < end) {
          const id = `${prefix}${next++}`;
          await plain.workflow.start('benchSeed', {
            taskQueue: queue,
            workflowId: id,
            workflowExecutionTimeout: '1 second',
            typedSearchAttributes: [
              { key: JobTypeKey, value: type },
              { key: JobStateKey, value: 'waiting' },
            ],
          });
        }
      }),
    );
  }

  return {
    client,
    start,
    list,
    describe,
    statsCalls,
    closed: (id) => closedOf(client, id),
    history: (id) => historyOf(client, id),
    count: async (query) => (await client.workflow.count(query)).count,
    bare,
    seed,
    close: () => connection.close(),
  };
}
