import { BUCKETS, stateLabel } from '../../lib/states';
import type { JobFilter } from '../../lib/useJobList';
import type { RouterInputs } from '../../trpc';

export type BulkRequest = RouterInputs['jobs']['bulk'];
export type BulkAction = BulkRequest['action'];

/** What a bulk action is asked to act on: the selected rows, or every job the filter matches. */
export interface BulkTarget {
  action: BulkAction;
  ids?: string[];
  filter?: JobFilter;
}

/** "state failed or timed out, type data.sync", as the dialog says what "matching" means. */
export function describeFilter(filter: JobFilter): string {
  const parts: string[] = [];
  const bucket = BUCKETS.find((entry) => entry.key === filter.bucket);
  if (filter.bucket)
    parts.push(bucket ? `state ${bucket.states.map(stateLabel).join(' or ')}` : `bucket ${filter.bucket}`);
  if (filter.state) parts.push(`state ${stateLabel(filter.state)}`);
  if (filter.type) parts.push(`type ${filter.type}`);
  if (filter.queue) parts.push(`queue ${filter.queue}`);
  return parts.join(', ');
}

export function bulkRequestOf(target: BulkTarget): BulkRequest {
  return target.ids
    ? { action: target.action, ids: target.ids }
    : { action: target.action, filter: target.filter ?? {} };
}
