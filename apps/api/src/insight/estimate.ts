// Time remaining for a running job: from its own progress rate, and from its type's run-time
// history (median of the last 7 days' runs), blended when both are there; none with too little to go on.
import type { JobState } from '@jobdeck/workflows';
import type { Services } from '../services';
import { entryOf } from './entry';
import { addToHistogram, percentiles, type Histogram } from './histogram';

export interface Estimate {
  remainingMs: number;
  finishAt: string;
  basis: 'progress' | 'history' | 'both';
  /** What it rests on, in words: the dashboard's hover text. */
  detail: string;
}

export interface TypeHistory {
  medianMs: number;
  runs: number;
}

/** Below these a basis says too little: a progress under 2 % or less than 3 s of it, fewer than 5 runs. */
const MIN_PERCENT = 2;
const MIN_ELAPSED_MS = 3_000;
const MIN_RUNS = 5;
const HISTORY_DAYS = 7;

export interface RunningJob {
  type: string;
  state: JobState;
  startedAt: string | null;
  progress: { percent: number } | null;
}

export function estimateRemaining(
  job: RunningJob,
  history: TypeHistory | undefined,
  now = Date.now(),
): Estimate | null {
  if ((job.state !== 'active' && job.state !== 'retrying') || !job.startedAt) return null;
  const elapsed = Math.max(0, now - Date.parse(job.startedAt));
  const percent = job.progress?.percent ?? 0;
  const byProgress =
    percent >= MIN_PERCENT && percent < 100 && elapsed >= MIN_ELAPSED_MS ? (elapsed * (100 - percent)) / percent : null;
  // A job already past its type's usual run time: the history no longer says when it ends.
  const byHistory =
    history && history.runs >= MIN_RUNS && elapsed < history.medianMs ? history.medianMs - elapsed : null;
  if (byProgress === null && byHistory === null) return null;
  const progressWords =
    byProgress === null
      ? null
      : `from its progress: ${Math.round(percent)} % in ${words(elapsed)}, ${words(byProgress)} left at that rate`;
  const historyWords = history
    ? `${job.type} usually runs ${words(history.medianMs)} (median of ${history.runs} runs, last ${HISTORY_DAYS} days)`
    : null;
  let remainingMs: number;
  let basis: Estimate['basis'];
  if (byProgress !== null && byHistory !== null) {
    // The further along, the more its own rate tells.
    const weight = percent / 100;
    remainingMs = weight * byProgress + (1 - weight) * byHistory;
    basis = 'both';
  } else {
    remainingMs = (byProgress ?? byHistory)!;
    basis = byProgress !== null ? 'progress' : 'history';
  }
  const detail = [
    progressWords,
    historyWords && (byHistory !== null ? historyWords : `${historyWords}; it has run longer`),
  ]
    .filter(Boolean)
    .join('; ');
  return { remainingMs: Math.round(remainingMs), finishAt: new Date(now + remainingMs).toISOString(), basis, detail };
}

function words(ms: number): string {
  if (ms < 60_000) return `${Math.max(1, Math.round(ms / 1000))} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** Every type's median run time over the last days, from the hourly histograms; cached a minute (as JSON: a plain object). */
export function runTimeHistory(services: Services): Promise<Record<string, TypeHistory>> {
  return services.cache.remember('insight.run-time-history', 60_000, async () => {
    const { rows } = await services.sql.query<{ type: string; bucket: number; count: number }>(
      `SELECT "type", "bucket", sum("count")::integer AS "count"
         FROM "JobDurationHistogram"
        WHERE "grain" = 'hour' AND "measure" = 'run' AND "bucketStart" >= now() - make_interval(days => ${HISTORY_DAYS})
        GROUP BY 1, 2`,
    );
    const histograms = new Map<string, Histogram>();
    for (const row of rows) {
      addToHistogram(
        entryOf(histograms, row.type, () => new Map()),
        row.bucket,
        row.count,
      );
    }
    return Object.fromEntries(
      [...histograms].map(([type, histogram]) => [
        type,
        {
          medianMs: percentiles(histogram, [0.5])[0] ?? 0,
          runs: [...histogram.values()].reduce((sum, count) => sum + count, 0),
        },
      ]),
    );
  });
}

/** The list's rows with their estimates: the history is read only when some row is running. */
export async function withEstimates<T extends RunningJob>(
  services: Services,
  jobs: T[],
): Promise<Array<T & { estimate: Estimate | null }>> {
  const running = jobs.some((job) => job.state === 'active' || job.state === 'retrying');
  // An estimate is a nicety: without the history (Postgres slow or away) the rows go out without it.
  const history = running ? await runTimeHistory(services).catch(() => ({}) as Record<string, TypeHistory>) : {};
  const now = Date.now();
  return jobs.map((job) => ({ ...job, estimate: estimateRemaining(job, history[job.type], now) }));
}
