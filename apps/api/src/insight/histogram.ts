// Percentiles from the log-scale duration histograms (JobDurationHistogram): 8 buckets per doubling,
// bucket b = [2^(b/8), 2^((b+1)/8)) ms, bucket -1 = 0 ms. A percentile is the geometric middle of the
// bucket that holds its rank, kept within the observed min and max: within PERCENTILE_ERROR of the
// exact (nearest-rank) percentile for durations of 1 ms and more.
export const BUCKETS_PER_DOUBLING = 8;
export const PERCENTILE_ERROR = 2 ** (1 / (2 * BUCKETS_PER_DOUBLING)) - 1; // 0.0443

/** Counts per bucket index. */
export type Histogram = Map<number, number>;

export function addToHistogram(histogram: Histogram, bucket: number, count: number): void {
  histogram.set(bucket, (histogram.get(bucket) ?? 0) + count);
}

/** The bucket a duration falls in (what jobdeck_duration_bucket computes in SQL). */
export function bucketOfDuration(ms: number): number {
  return ms <= 0 ? -1 : Math.floor((BUCKETS_PER_DOUBLING * Math.log(ms)) / Math.log(2));
}

function middleOf(bucket: number): number {
  return bucket < 0 ? 0 : 2 ** ((bucket + 0.5) / BUCKETS_PER_DOUBLING);
}

/** The nearest-rank percentiles `ps` (0..1) of the histogram; null for an empty one. */
export function percentiles(
  histogram: Histogram,
  ps: number[],
  bounds: { min: number | null; max: number | null } = { min: null, max: null },
): Array<number | null> {
  const total = [...histogram.values()].reduce((sum, count) => sum + count, 0);
  if (!total) return ps.map(() => null);
  const ordered = [...histogram.entries()].sort(([a], [b]) => a - b);
  return ps.map((p) => {
    const rank = Math.max(1, Math.ceil(p * total));
    let seen = 0;
    for (const [bucket, count] of ordered) {
      seen += count;
      if (seen >= rank) {
        let value = middleOf(bucket);
        if (bounds.min !== null) value = Math.max(value, bounds.min);
        if (bounds.max !== null) value = Math.min(value, bounds.max);
        return Math.round(value * 10) / 10;
      }
    }
    return bounds.max;
  });
}
