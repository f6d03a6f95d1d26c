import { z } from 'zod';
import { defineJob } from '../../runtime/define-job';
import { exportActivities } from './activities';

/**
 * Only an export's id: what to export (the search, format, fields) is in its JobExport row, which
 * only exports.create writes, bound to this job's id. A jobs.export enqueued any other way (by hand,
 * a template, a retry) finds no export bound to it and fails at once, having read nothing.
 */
export const jobsExportInput = z.object({
  exportId: z.uuid('exportId is an export id'),
  /** How long the download link works once the file is written (JOBDECK_EXPORT_DOWNLOAD_HOURS). */
  downloadHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
});

export default defineJob(import.meta.url, {
  type: 'jobs.export',
  description:
    'Writes a search of the jobs to a file (CSV, JSON, NDJSON or Excel) with progress; started by exports.create for exports larger than a direct download.',
  queue: 'exports',
  concurrency: 2,
  input: jobsExportInput,
  example: { exportId: '00000000-0000-4000-8000-000000000000', downloadHours: 24 },
  retry: { maxAttempts: 5, initialIntervalMs: 1_000, backoffCoefficient: 2, maximumIntervalMs: 30_000 },
  nonRetryableErrors: ['ExportRefused'],
  // Heartbeats come with every page (each under a second); a worker lost mid-export is noticed in 10 s.
  timeouts: { activityStartToCloseMs: 6 * 60 * 60_000, heartbeatMs: 10_000 },
  activities: exportActivities,
});
