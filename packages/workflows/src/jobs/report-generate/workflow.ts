import type { JobEnvelope } from '../../runtime/envelope';
import { jobActivities, runJob } from '../../sandbox/shell';
import type { ReportGenerateInput, reportActivities } from './activities';

export async function reportGenerate(job: JobEnvelope<ReportGenerateInput>) {
  const { collectReportRows, writeReportFile, deliverReport } = jobActivities<ReturnType<typeof reportActivities>>(job);
  return runJob(
    job,
    async () => {
      // Separate activities, so a failed write (or delivery) retries that step alone, not the query.
      const rows = await collectReportRows(job.input);
      const file = await writeReportFile({ title: job.input.title, rows });
      // Scheduled only when asked for: the histories of reports without deliverTo replay unchanged.
      if (!job.input.deliverTo) return file;
      const delivery = await deliverReport({ title: job.input.title, deliverTo: job.input.deliverTo, rows, file });
      return { ...file, delivered: delivery };
    },
    (result) =>
      `${result.rows} rows, ${result.bytes} bytes${'delivered' in result ? `, delivered: HTTP ${result.delivered.status}` : ''}`,
  );
}
