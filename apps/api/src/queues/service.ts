import type { JobState } from '@jobdeck/workflows';
import {
  cancelJob,
  COMMANDS_AT_ONCE,
  DomainError,
  jobsQuery,
  listJobIds,
  mapLimited,
  queueCli,
  queueStatus,
} from '@jobdeck/workflows/control';
import type { Principal } from '../auth/tokens';
import type { Services } from '../services';
import { knownQueues } from './known';

export interface CleanRequest {
  queue: string;
  /** Records of jobs that finished longer ago than this are removed. */
  olderThanHours: number;
  states: JobState[];
}

/** Every known queue with its paused state (from Temporal) and the CLI command that shows it. */
export async function listQueues(services: Services) {
  const names = await knownQueues(services);
  return Promise.all(
    names.map(async (name) => {
      const status = await queueStatus(services, name).catch(() => ({
        name,
        paused: false,
        reason: null,
        changedAt: null,
      }));
      return { ...status, cli: queueCli.status(name) };
    }),
  );
}

/** Waiting and delayed jobs of a queue, from Temporal: what drain cancels. */
function waitingJobIds(services: Services, queue: string): Promise<string[]> {
  return listJobIds(
    services,
    `${jobsQuery({ queue })} AND ExecutionStatus='Running' AND JobState IN ('waiting','delayed')`,
  );
}

export async function previewDrain(services: Services, queue: string) {
  const ids = await waitingJobIds(services, queue);
  return { queue, count: ids.length, sample: ids.slice(0, 20) };
}

/** Cancels every job of the queue that has not started, a few at a time (Temporal's call per job dominates). */
export async function drainQueue(services: Services, queue: string, principal: Principal) {
  const ids = await waitingJobIds(services, queue);
  const outcomes = await mapLimited(ids, COMMANDS_AT_ONCE, (id) =>
    cancelJob(services, id, principal).then(
      () => 'cancelled' as const,
      (error: unknown) => (error instanceof DomainError && error.code !== 'SERVICE_UNAVAILABLE' ? 'skipped' : 'failed'),
    ),
  );
  const counts = { cancelled: 0, skipped: 0, failed: 0 };
  for (const outcome of outcomes) counts[outcome]++;
  return { queue, total: ids.length, ...counts };
}

function cleanWhere(request: CleanRequest) {
  return {
    queue: request.queue,
    state: { in: request.states },
    finishedAt: { lt: new Date(Date.now() - request.olderThanHours * 3_600_000) },
  };
}

export async function previewClean(services: Services, request: CleanRequest) {
  return { queue: request.queue, count: await services.db.job.count({ where: cleanWhere(request) }) };
}

/** Removes the records (and logs) of finished jobs older than the given age; Temporal's own retention handles its history. */
export async function cleanQueue(services: Services, request: CleanRequest) {
  const { count } = await services.db.job.deleteMany({ where: cleanWhere(request) });
  if (count === 0 && !(await services.db.job.count({ where: { queue: request.queue } }))) {
    throw new DomainError('NOT_FOUND', `no jobs in queue ${request.queue}`);
  }
  return { queue: request.queue, deleted: count };
}
