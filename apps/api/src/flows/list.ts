// flows.list: flow.run jobs from their Postgres records, newest first, in keyset pages; with what
// their children's records say (counts by state, failed nodes), read for the whole page at once.
import { z } from 'zod';
import { FLOW_JOB_TYPE, JOB_STATES, type JobState } from '@jobdeck/workflows';
import { parseFlowNode, type FlowNodeState, type FlowStatus } from '@jobdeck/workflows/flows';
import type { Services } from '../services';
import { flowStatusFromRecords, nodeStateFromJobs } from './records';

export const flowListRequest = z
  .object({
    state: z.enum(JOB_STATES).optional(),
    limit: z.number().int().min(1).max(100).default(25),
    cursor: z.string().max(4096).nullish(),
    /** Added by @trpc/react-query's infinite queries; pages only go forward, so it changes nothing. */
    direction: z.enum(['forward', 'backward']).optional(),
  })
  .strict()
  .default({ limit: 25 });
export type FlowListRequest = z.output<typeof flowListRequest>;

export interface FlowSummary {
  id: string;
  name: string;
  state: JobState;
  status: FlowStatus;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  requestedBy: string;
  nodes: number;
  /** The flow's child jobs by state: every job it started, retried ones included. */
  jobs: Record<JobState, number>;
  /** Nodes whose latest jobs failed (a retried node that then completed is not one). */
  failedNodes: string[];
}

interface FlowRow {
  id: string;
  state: JobState;
  name: string | null;
  nodes: number | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  requestedBy: string;
}

interface ChildGroup {
  parentId: string;
  flowNode: string | null;
  /** The item's jobs' states, oldest first: the last is its latest job's. */
  states: JobState[];
}

export async function listFlows(services: Services, request: FlowListRequest) {
  const { sql, cursors } = services;
  // The cursor is bound to the state filter: a page of failed flows does not go on into all flows.
  const key = `flows.list:${request.state ?? '*'}`;
  const after = request.cursor ? cursors.decodeSearch(request.cursor, key) : null;
  const params: unknown[] = [FLOW_JOB_TYPE];
  const where = [`"type" = $1`];
  if (request.state) where.push(`"state" = $${params.push(request.state)}::"JobState"`);
  if (after)
    where.push(`("createdAt", "id") < ($${params.push(after.value)}::timestamp(3), $${params.push(after.id)})`);
  const { rows } = await sql.query<FlowRow>(
    `SELECT "id", "state", "input"->>'name' AS "name", jsonb_array_length(COALESCE("input"->'nodes', '[]'::jsonb)) AS "nodes",
            "createdAt", "startedAt", "finishedAt", "requestedBy"
       FROM "Job" WHERE ${where.join(' AND ')}
      ORDER BY "createdAt" DESC, "id" DESC LIMIT ${request.limit + 1}`,
    params,
  );
  const page = rows.slice(0, request.limit);
  // One grouped read for the whole page, by the (parentId, createdAt) index.
  const groups = page.length
    ? (
        await sql.query<ChildGroup>(
          `SELECT "parentId", "flowNode", array_agg("state"::text ORDER BY "createdAt", "id") AS "states"
             FROM "Job" WHERE "parentId" = ANY($1::text[]) GROUP BY "parentId", "flowNode"`,
          [page.map((row) => row.id)],
        )
      ).rows
    : [];
  const last = page.at(-1);
  return {
    items: page.map((row) =>
      summaryOf(
        row,
        groups.filter((group) => group.parentId === row.id),
      ),
    ),
    nextCursor:
      rows.length > request.limit && last
        ? cursors.encodeSearch({ search: key, position: { value: last.createdAt.toISOString(), id: last.id } })
        : null,
  };
}

function summaryOf(row: FlowRow, groups: ChildGroup[]): FlowSummary {
  const jobs = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<JobState, number>;
  const latestByNode = new Map<string, JobState[]>();
  for (const group of groups) {
    for (const state of group.states) jobs[state] = (jobs[state] ?? 0) + 1;
    const { key } = parseFlowNode(group.flowNode ?? '');
    latestByNode.set(key, [...(latestByNode.get(key) ?? []), group.states.at(-1)!]);
  }
  const nodeStates = new Map<string, FlowNodeState>();
  for (const [node, latest] of latestByNode) nodeStates.set(node, nodeStateFromJobs(latest) ?? 'pending');
  return {
    id: row.id,
    name: row.name ?? row.id,
    state: row.state,
    status: flowStatusFromRecords(row.state, [...nodeStates.values()]),
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    requestedBy: row.requestedBy,
    nodes: row.nodes ?? 0,
    jobs,
    failedNodes: [...nodeStates].filter(([, state]) => state === 'failed').map(([node]) => node),
  };
}
