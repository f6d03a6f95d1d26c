import { CancellationScope } from '@temporalio/workflow';
import type { JobEnvelope } from '../../runtime/envelope';
import { jobActivities, runJob } from '../../sandbox/shell';
import { rootCause } from '../../sandbox/signals';
import type { JobsExportInput, exportActivities } from './activities';

export async function jobsExport(job: JobEnvelope<JobsExportInput>) {
  const { writeExportFile, markExportFailed } = jobActivities<ReturnType<typeof exportActivities>>(job);
  return runJob(
    job,
    async () => {
      try {
        return await writeExportFile(job.input);
      } catch (error) {
        // Once every attempt failed (or the job was cancelled), the Exports page says so; this runs
        // even in a cancelled job, and its own failure must not hide the export's.
        await CancellationScope.nonCancellable(() =>
          markExportFailed(job.input.exportId, rootCause(error).message),
        ).catch(() => undefined);
        throw error;
      }
    },
    (file) => `${file.rows} rows, ${file.bytes} bytes (${file.fileName})`,
  );
}
