import { BUCKETS, stateLabel } from '../../lib/states';
import { dateTime } from '../../lib/format';
import type { RouterInputs } from '../../trpc';

export type BulkRequest = RouterInputs['jobs']['bulk'];
export type BulkAction = BulkRequest['action'];
/** The jobs table's filter, or an Insight failure group's (its fingerprint and window). */
export type BulkFilter = NonNullable<BulkRequest['filter']>;

/** What a bulk action is asked to act on: the selected rows, or every job the filter matches. */
export interface BulkTarget {
  action: BulkAction;
  ids?: string[];
  filter?: BulkFilter;
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
  return target.ids
    ? { action: target.action, ids: target.ids }
    : { action: target.action, filter: target.filter ?? {} };
}
