import type { JobEnvelope } from '../../runtime/envelope';
import { jobActivities, runJob } from '../../sandbox/shell';
import type { DataSyncInput, dataSyncActivities } from './activities';

export async function dataSync(job: JobEnvelope<DataSyncInput>) {
  const { syncRecords } = jobActivities<ReturnType<typeof dataSyncActivities>>(job);
  return runJob(
    job,
    () => syncRecords(job.input),
    (result) =>
      `${result.records} records in ${result.batches} batches${result.resumedFrom !== null ? `, resumed at ${result.resumedFrom}` : ''}`,
  );
}
