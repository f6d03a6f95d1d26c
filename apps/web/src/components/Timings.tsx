import { between, dateTime, duration } from '../lib/format';
import type { JobDetail } from '../trpc';
import { FactList } from './FactList';

export function Timings({ job }: { job: JobDetail }) {
  const rows: Array<[string, string]> = [
    ['Created', dateTime(job.createdAt)],
    ['Run at', job.runAt ? dateTime(job.runAt) : '—'],
    ['Started', dateTime(job.startedAt)],
    ['Finished', dateTime(job.finishedAt)],
    ['Waited', duration(between(job.createdAt, job.startedAt))],
    ['Ran', duration(between(job.startedAt, job.finishedAt))],
    ['Last heartbeat', dateTime(job.lastHeartbeatAt)],
    ['Timeout', job.timeoutMs ? duration(job.timeoutMs) : 'none'],
  ];
  return <FactList rows={rows} testId="job-timings" />;
}
