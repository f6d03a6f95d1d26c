import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './UPlotChart.css';

/**
 * One uPlot chart: created when the element mounts (and again when `options` change: pass a memoised
 * object), fed new data in place, sized to its container's width as it changes, destroyed on unmount.
 * uPlot draws on a canvas: `label` names the chart for screen readers, and the page shows its figures
 * in words beside it.
 */
export function UPlotChart({
  options,
  data,
  label,
  height = 220,
  testId,
}: {
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  label: string;
  height?: number;
  testId?: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const node = container.current;
    if (!node) return;
    const width = () => Math.max(200, Math.floor(node.clientWidth));
    const plot = new uPlot({ ...options, width: width(), height }, latest.current, node);
    chart.current = plot;
    const observer = new ResizeObserver(() => plot.setSize({ width: width(), height }));
    observer.observe(node);
    return () => {
      observer.disconnect();
      plot.destroy();
      chart.current = null;
    };
  }, [options, height]);

  useEffect(() => {
    chart.current?.setData(data);
  }, [data]);

  return <div ref={container} className="uplot-chart" role="img" aria-label={label} data-testid={testId} />;
}

/** A colour of the stylesheet (canvas cannot read CSS variables): `--completed-accent` → `#23a35a`. */
export function cssColor(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}
