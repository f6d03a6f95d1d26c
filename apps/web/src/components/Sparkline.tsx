import './Sparkline.css';

export interface SparkSeries {
  values: number[];
  /** Its colour: one of the state tones (completed, failed, active…). */
  tone: string;
}

const points = (values: number[], max: number, width: number, height: number) => {
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values
    .map((value, index) => `${(index * step).toFixed(1)},${(height - 1 - (value / max) * (height - 2)).toFixed(1)}`)
    .join(' ');
};

/**
 * A trend too small for axes, as an inline SVG (no charting library: the overview stays light). The
 * series share one scale; the label says in words what the lines show, for screen readers and on hover.
 */
export function Sparkline({
  series,
  label,
  width = 120,
  height = 28,
  testId = 'sparkline',
}: {
  series: SparkSeries[];
  label: string;
  width?: number;
  height?: number;
  testId?: string;
}) {
  const max = Math.max(1, ...series.flatMap((line) => line.values));
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
      data-testid={testId}
    >
      <title>{label}</title>
      <line className="sparkline-base" x1={0} x2={width} y1={height - 0.5} y2={height - 0.5} />
      {series.map((line) =>
        line.values.length > 1 ? (
          <polyline
            key={line.tone}
            className={`sparkline-line spark-${line.tone}`}
            points={points(line.values, max, width, height)}
          />
        ) : null,
      )}
    </svg>
  );
}
