import { hasRole } from '@jobdeck/workflows';
import {
  applyBulkItem,
  COMMANDS_AT_ONCE,
  DomainError,
  mapLimited,
  resolveBulkTargets,
  type BulkRequest,
} from '@jobdeck/workflows/control';
import type { Principal } from '../auth/tokens';
import type { Services } from '../services';
import { enqueueJob } from './enqueue';

/** Selections up to this size are acted on at once, in the request; larger ones become a bulk.action job. */
const INLINE_BULK_LIMIT = 25;

/** Deleting is for admins, whatever the selection; said before anything is resolved or counted. */
function checkMayAct(principal: Principal, request: BulkRequest) {
  if (request.action === 'delete' && !hasRole(principal.role, 'admin'))
    throw new DomainError('FORBIDDEN', `deleting jobs requires the admin role; you are ${principal.role}`);
}

/** How many jobs a bulk action would touch, and a sample of them, before doing it. */
export async function previewBulk(services: Services, principal: Principal, request: BulkRequest) {
  checkMayAct(principal, request);
  const ids = await resolveBulkTargets(services, request);
  return {
    action: request.action,
    count: ids.length,
    sample: ids.slice(0, 20),
    runsAsJob: ids.length > INLINE_BULK_LIMIT,
  };
}

/**
 * Small selections are done in the request with a result per job; larger ones start a durable
 * bulk.action job (progress, results, survives a closed browser) whose id is returned.
 */
export async function runBulk(services: Services, principal: Principal, request: BulkRequest) {
  checkMayAct(principal, request);
  const ids = await resolveBulkTargets(services, request);
  if (ids.length > INLINE_BULK_LIMIT) {
    // The job resolves a filter itself (in pages, as it goes): the input stays small whatever the selection.
    const job = await enqueueJob(services, principal, { type: 'bulk.action', input: request });
    return { mode: 'job' as const, jobId: job.id, count: ids.length, results: [] };
  }
  const results = await mapLimited(ids, COMMANDS_AT_ONCE, (id) => applyBulkItem(services, request, id, principal));
  return { mode: 'inline' as const, jobId: null, count: ids.length, results };
}
