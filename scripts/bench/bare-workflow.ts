// The bare baseline of `npm run bench`: a Temporal workflow with one activity and no Jobdeck shell
// (no bookkeeping, no signal, no search-attribute upsert), the limit Jobdeck's own jobs are held to.
import { proxyActivities } from '@temporalio/workflow';
import type { bareActivities, BareInput } from './bare-activities';

const { syncRecords } = proxyActivities<ReturnType<typeof bareActivities>>({
  // As a data.sync job's activity is started, so that the two do the same dance with Temporal.
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '10 seconds',
  retry: { maximumAttempts: 10, initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

export async function bareJob(input: BareInput) {
  return syncRecords(input);
}
