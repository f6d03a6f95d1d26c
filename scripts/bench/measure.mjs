// Small helpers every bench module shares: timing, percentiles, pacing, a pool, and a target
// (a figure next to its limit, PASS or MISS).
import { spawnSync } from 'node:child_process';

/** Nearest-rank percentiles, in ms. */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  const mean = sorted.reduce((sum, value) => sum + value, 0) / (sorted.length || 1);
  return { n: sorted.length, p50: at(50), p95: at(95), p99: at(99), mean, min: sorted[0], max: sorted.at(-1) };
}

export async function timed(fn) {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** Runs fn(i) for i < total, at most `concurrency` at once. */
export async function pool(total, concurrency, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(total, concurrency) }, async () => {
      while (next < total) await fn(next++);
    }),
  );
}

export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise(
    (_, reject) =>
      (timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`)), ms)),
  );
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * A figure against its limit. atMost: the figure must not exceed the limit (a latency, a ratio of
 * costs); otherwise it must reach it (a throughput ratio).
 */
export function target(name, value, limit, { atMost = true, unit = '', how = '' } = {}) {
  const pass = Number.isFinite(value) && (atMost ? value <= limit : value >= limit);
  return { name, value, limit, atMost, unit, how, pass };
}

/** Other Jobdeck/Temporal/test processes busy on the machine (ps's %CPU is over each one's lifetime). */
export function otherActivity(ourPids) {
  const ps = spawnSync('ps', ['-eo', 'pid=,ppid=,pcpu=,args='], { encoding: 'utf8' });
  if (ps.status !== 0) return [];
  return ps.stdout
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+([\d.]+)\s+(.*)$/))
    .filter(Boolean)
    .map(([, pid, ppid, pcpu, args]) => ({
      pid: Number(pid),
      ppid: Number(ppid),
      pcpu: Number(pcpu),
      args: args.slice(0, 140),
    }))
    .filter((p) => !ourPids.has(p.pid) && !ourPids.has(p.ppid) && p.pcpu >= 2)
    .filter((p) => /vitest|scripts\/test\.mjs|server start-dev|chrom|src\/main\.ts|turbo|tsc\b/.test(p.args));
}

/** Visibility calls paced under a rate, so that Temporal's namespace limit does not throttle the samples. */
export function visibilityPacer(callsPerSecond) {
  const started = performance.now();
  let calls = 0;
  return async (count) => {
    const due = (calls / callsPerSecond) * 1000 - (performance.now() - started);
    if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
    calls += count;
  };
}
