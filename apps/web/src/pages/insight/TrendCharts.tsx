import { useMemo } from 'react';
import type uPlot from 'uplot';
import { cssColor, UPlotChart } from '../../components/charts/UPlotChart';
import type { Trends } from './insight-types';
import { bucketWords } from './words';

const OUTCOMES = [
  { key: 'completed', label: 'Completed', color: ['--completed-accent', '#23a35a'] },
  { key: 'failed', label: 'Failed', color: ['--failed-accent', '#df3b35'] },
  { key: 'cancelled', label: 'Cancelled', color: ['--cancelled-accent', '#9aa3ae'] },
  { key: 'timedOut', label: 'Timed out', color: ['--delayed-accent', '#e19a12'] },
] as const;

const count = (value: number | null) => (value === null ? '—' : String(value));

function outcomeOptions(): Omit<uPlot.Options, 'width' | 'height'> {
  return {
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [{}, { label: 'jobs per bucket', size: 50 }],
    series: [
      {},
      ...OUTCOMES.map((outcome) => ({
        label: outcome.label,
        stroke: cssColor(outcome.color[0], outcome.color[1]),
        width: 2,
        points: { show: false },
        value: (_u: uPlot, value: number | null) => count(value),
      })),
    ],
    cursor: { drag: { x: false, y: false } },
  };
}

function rateOptions(): Omit<uPlot.Options, 'width' | 'height'> {
  return {
    scales: { x: { time: true }, y: { range: [0, 100] } },
    axes: [{}, { label: 'success %', size: 50 }],
    series: [
      {},
      {
        label: 'Success rate',
        stroke: cssColor('--primary', '#2457d6'),
        width: 2,
        spanGaps: false,
        value: (_u: uPlot, value: number | null) => (value === null ? '—' : `${value.toFixed(1)} %`),
      },
    ],
    cursor: { drag: { x: false, y: false } },
  };
}

/** Outcomes per bucket, and the success rate per bucket, on the window's time axis. */
export function TrendCharts({ trends }: { trends: Trends }) {
  const outcomes = useMemo(outcomeOptions, []);
  const rates = useMemo(rateOptions, []);
  const data = useMemo(() => {
    const x = trends.buckets.map((bucket) => Date.parse(bucket.at) / 1000);
    return {
      outcomes: [
        x,
        ...OUTCOMES.map((outcome) => trends.buckets.map((bucket) => bucket[outcome.key])),
      ] as uPlot.AlignedData,
      rates: [
        x,
        trends.buckets.map((bucket) => (bucket.successRate === null ? null : bucket.successRate * 100)),
      ] as uPlot.AlignedData,
    };
  }, [trends]);
  return (
    <div className="trend-charts">
      <figure className="chart-figure">
        <figcaption>Outcomes per {bucketWords(trends.window.bucketMs)}</figcaption>
        <UPlotChart
          options={outcomes}
          data={data.outcomes}
          label={`Completed, failed, cancelled and timed-out jobs per ${bucketWords(trends.window.bucketMs)}`}
          testId="trend-chart"
        />
      </figure>
      <figure className="chart-figure">
        <figcaption>Success rate per {bucketWords(trends.window.bucketMs)}</figcaption>
        <UPlotChart
          options={rates}
          data={data.rates}
          height={160}
          label={`Success rate per ${bucketWords(trends.window.bucketMs)}`}
          testId="success-chart"
        />
      </figure>
    </div>
  );
}
