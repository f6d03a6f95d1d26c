import type { JobEnvelope } from '../../runtime/envelope';
import { jobActivities, runJob } from '../../sandbox/shell';
import type { ReportGenerateInput, reportActivities } from './activities';

export async function reportGenerate(job: JobEnvelope<ReportGenerateInput>) {
  const { collectReportRows, writeReportFile } = jobActivities<ReturnType<typeof reportActivities>>(job);
  return runJob(
    job,
    async () => {
      // Two activities, so a failed write retries the write alone, not the query.
      const rows = await collectReportRows(job.input);
      return writeReportFile({ title: job.input.title, rows });
    },
    (file) => `${file.rows} rows, ${file.bytes} bytes`,
  );
}
