import { DataTable, type Column } from '../../components/DataTable';
import { duration, figure } from '../../lib/format';
import type { Durations, PerfRow } from './insight-types';

const num = (label: string, title: string): Column => ({
  label: <abbr title={title}>{label}</abbr>,
  className: 'num',
});

function durationColumns(what: 'Run' | 'Wait', words: string): Column[] {
  return [
    num(`${what} n`, `how many ${words} were measured`),
    num(`${what} avg`, `average ${words}`),
    num(`${what} p50`, `median ${words}`),
    num(`${what} p95`, `95th percentile of ${words}`),
    num(`${what} p99`, `99th percentile of ${words}`),
    num(`${what} min–max`, `shortest and longest ${words}`),
  ];
}

const COLUMNS: Array<string | Column> = [
  'Name',
  num('Jobs', 'jobs that ended in the window'),
  ...durationColumns('Run', 'run times (start to finish)'),
  ...durationColumns('Wait', 'wait times (enqueued to first start)'),
  num('Attempts/job', 'attempts per job, on average'),
  num('Retried', 'jobs that needed more than one attempt'),
  num('Retry wait', 'time spent waiting between attempts: in all, and per retried job'),
];

function DurationCells({ of, what }: { of: Durations; what: string }) {
  return (
    <>
      <td className="num" data-label={`${what} n`}>
        {of.count}
      </td>
      <td className="num" data-label={`${what} avg`}>
        {duration(of.avgMs)}
      </td>
      <td className="num" data-label={`${what} p50`}>
        {duration(of.p50Ms)}
      </td>
      <td className="num" data-label={`${what} p95`}>
        {duration(of.p95Ms)}
      </td>
      <td className="num" data-label={`${what} p99`}>
        {duration(of.p99Ms)}
      </td>
      <td className="num" data-label={`${what} min–max`}>
        {of.count ? `${duration(of.minMs)} – ${duration(of.maxMs)}` : '—'}
      </td>
    </>
  );
}

/** Run and wait times, attempts and retries, one row per job type or queue. */
export function PerfTable({ rows, label, testId }: { rows: PerfRow[]; label: string; testId: string }) {
  return (
    <DataTable label={label} testId={testId} columns={COLUMNS} className="perf-table">
      {rows.map((row) => (
        <tr key={row.name} data-testid="perf-row" data-name={row.name}>
          <td className="row-name" data-label="Name">
            <code>{row.name}</code>
          </td>
          <td className="num" data-label="Jobs">
            {row.jobs}
          </td>
          <DurationCells of={row.run} what="Run" />
          <DurationCells of={row.wait} what="Wait" />
          <td className="num" data-label="Attempts/job">
            {figure(row.attemptsPerJob)}
          </td>
          <td className="num" data-label="Retried">
            {row.retriedJobs}
          </td>
          <td className="num" data-label="Retry wait">
            {duration(row.retryWaitMs.total)}
            {row.retryWaitMs.perRetriedJob !== null && (
              <span className="muted small"> ({duration(row.retryWaitMs.perRetriedJob)} each)</span>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
