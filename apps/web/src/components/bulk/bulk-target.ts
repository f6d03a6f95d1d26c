import { BUCKETS, stateLabel } from '../../lib/states';
import { dateTime } from '../../lib/format';
import type { RouterInputs } from '../../trpc';

export type BulkRequest = RouterInputs['jobs']['bulk'];
export type BulkAction = BulkRequest['action'];
/** The jobs table's filter, or an Insight failure group's (its fingerprint and window). */
export type BulkFilter = NonNullable<BulkRequest['filter']>;

/** The Search page's search (jobs.search's filter). */
export type BulkSearch = NonNullable<BulkRequest['search']>;

/** What a bulk action is asked to act on: the selected rows, every job the filter matches, or every job a search finds. */
export interface BulkTarget {
  action: BulkAction;
  ids?: string[];
  filter?: BulkFilter;
  search?: BulkSearch;
  /** rerun_from_step: the activity each job reruns from (its last step of it), and why. */
  step?: { activity: string };
  reason?: string;
}

/** "state failed or timed out, type data.sync", as the dialog says what "matching" means. */
export function describeFilter(filter: BulkFilter): string {
  const parts: string[] = [];
  const bucket = BUCKETS.find((entry) => entry.key === filter.bucket);
  if (filter.bucket)
    parts.push(bucket ? `state ${bucket.states.map(stateLabel).join(' or ')}` : `bucket ${filter.bucket}`);
  if (filter.state) parts.push(`state ${stateLabel(filter.state)}`);
  if (filter.type) parts.push(`type ${filter.type}`);
  if (filter.queue) parts.push(`queue ${filter.queue}`);
  const group = filter.errorGroup;
  if (group) parts.push(`failure group ${group}`);
  // A failure group's window is when its jobs ended; otherwise the range is when jobs started (Temporal's StartTime).
  if (filter.from || filter.to)
    parts.push(`${group ? 'ended' : 'started'} ${dateTime(filter.from)} – ${dateTime(filter.to)}`);
  return parts.join(', ');
}

export function bulkRequestOf(target: BulkTarget): BulkRequest {
  const rerun = target.step ? { step: target.step, ...(target.reason ? { reason: target.reason } : {}) } : {};
  if (target.ids) return { action: target.action, ids: target.ids, ...rerun };
  if (target.search) return { action: target.action, search: target.search, ...rerun };
  return { action: target.action, filter: target.filter ?? {}, ...rerun };
}

/** "text “timeout”, state failed, type data.sync": what a search narrows by, as the dialog says it. */
export function describeSearch(search: BulkSearch): string {
  const parts: string[] = [];
  if (search.q) parts.push(`text “${search.q}”`);
  if (search.states) parts.push(`state ${search.states.map(stateLabel).join(' or ')}`);
  if (search.types) parts.push(`type ${search.types.join(' or ')}`);
  if (search.queues) parts.push(`queue ${search.queues.join(' or ')}`);
  if (search.priorities) parts.push(`priority ${search.priorities.join(' or ')}`);
  if (search.requestedBy) parts.push(`requested by ${search.requestedBy}`);
  if (search.scheduleId) parts.push(`schedule ${search.scheduleId}`);
  for (const key of ['created', 'started', 'finished'] as const) {
    const range = search[key];
    if (range) parts.push(`${key} ${dateTime(range.from)} – ${dateTime(range.to)}`);
  }
  if (search.runMs || search.waitMs || search.attempts) parts.push('durations or attempts in a range');
  if (search.hasError !== undefined) parts.push(search.hasError ? 'with an error' : 'without an error');
  return parts.join(', ') || 'no filter: every job';
}

/** What the dialog says the action applies to. */
export function scopeOf(target: BulkTarget): string {
  if (target.ids) return 'the selected jobs';
  if (target.search) return `every job this search finds (${describeSearch(target.search)})`;
  return `every job matching ${describeFilter(target.filter ?? {})}`;
}
