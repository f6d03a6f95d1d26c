import { FAILURE_STATES } from './job-window';
import type { KindEvaluator } from './types';

/** Failed jobs told per evaluation at most: a flood is told by the hourly summary anyway. */
const MAX_PER_EVALUATION = 500;
/**
 * A job's record is written a moment after it finished (by its worker, through the record outbox):
 * each evaluation looks this far before the previous one, and the firings already recorded per job id
 * keep a failure from being told twice (firings.ts).
 */
const OVERLAP_MS = 5 * 60_000;

/**
 * Every failure of the job type: one instant observation per failed job (subject: its id) that
 * finished since the previous evaluation (the first looks back to the rule's creation). Told one by
 * one up to maxPerHour, then summarised hourly (firings.ts).
 */
export const evaluateEveryFailure: KindEvaluator<'every_failure'> = async ({ deps, now }, rule) => {
  const { type } = rule.condition;
  const from = rule.lastEvaluatedAt ? new Date(rule.lastEvaluatedAt.getTime() - OVERLAP_MS) : rule.createdAt;
  const since = new Date(Math.max(from.getTime(), rule.createdAt.getTime()));
  const failed = await deps.db.job.findMany({
    where: { type, state: { in: [...FAILURE_STATES] }, finishedAt: { gte: since, lte: now } },
    select: { id: true, queue: true, error: true, errorType: true, attempts: true, finishedAt: true },
    orderBy: { finishedAt: 'asc' },
    take: MAX_PER_EVALUATION,
  });
  const dashboard = deps.alerting.dashboardUrl?.replace(/\/+$/, '');
  return failed.map((job) => ({
    subject: job.id,
    active: true,
    instant: true,
    type,
    queue: job.queue,
    message: `${type} job ${job.id} failed: ${oneLine(job.error ?? 'no error recorded')}`,
    facts: [
      { label: 'Job', value: job.id },
      { label: 'Error', value: oneLine(job.error ?? 'no error recorded') },
      ...(job.errorType ? [{ label: 'Error type', value: job.errorType }] : []),
      { label: 'Attempts', value: String(job.attempts) },
      { label: 'Queue', value: job.queue },
      { label: 'Finished at', value: job.finishedAt!.toISOString() },
      ...(dashboard ? [{ label: 'Link', value: `${dashboard}/jobs/${encodeURIComponent(job.id)}` }] : []),
    ],
  }));
};

/** An error message as one line of at most 300 characters: a notification, not a stack. */
function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}
