import type { InjectedSinks } from '@temporalio/worker';
import type { JobRecorder, JobRecordSinks } from '@jobdeck/workflows';

/**
 * The worker side of the shell's sinks. Not called on replay: a record is written when the workflow
 * task that decided it runs for the first time. A sink call resolves before the task completes, so
 * with Postgres up the record is written before Temporal sees the job end.
 */
export function jobRecordSinks(records: JobRecorder): InjectedSinks<JobRecordSinks> {
  return {
    jobRecords: {
      started: { fn: (_info, job, runId) => records.started(job, runId), callDuringReplay: false },
      // The end is when the worker completes the closing task, a moment before Temporal's close time;
      // the workflow's own clock would say when that task began, which a busy worker may reach seconds late.
      finished: {
        fn: (info, jobId, outcome) => records.finished(jobId, outcome, new Date(), { queue: info.taskQueue }),
        callDuringReplay: false,
      },
    },
  };
}
