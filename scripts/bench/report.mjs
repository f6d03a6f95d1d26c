// How `npm run bench` prints: one table of latency rows per section, the CPU lines, and every
// target next to its limit with PASS or MISS.
import { cpus } from 'node:os';

export const ms = (value) =>
  value === undefined || Number.isNaN(value) ? '' : value >= 100 ? value.toFixed(0) : value.toFixed(1);
export const rate = (value) =>
  value === undefined || !Number.isFinite(value) ? '' : `${value.toFixed(value >= 100 ? 0 : 1)}/s`;
/** How a latency compares with the call it wraps: difference and ratio of medians, ratio of means. */
export const versus = (ours, theirs) =>
  `${ours.p50 - theirs.p50 >= 0 ? '+' : ''}${(ours.p50 - theirs.p50).toFixed(1)} ms p50 (${(ours.p50 / theirs.p50).toFixed(2)}×), mean ${(ours.mean / theirs.mean).toFixed(2)}×`;

const HEADER = ['', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms', 'throughput', 'compared with'];
const WIDTHS = [40, 5, 8, 8, 8, 8, 11];
const line = (cells) =>
  cells
    .map((cell, i) =>
      i === 0 ? String(cell).padEnd(WIDTHS[i]) : i < WIDTHS.length ? String(cell).padStart(WIDTHS[i]) : `  ${cell}`,
    )
    .join(' ');

/** sections: [{ title, rows: [[label, summary, throughput, note]] }] */
export function latencyTable(sections) {
  const out = [line(HEADER)];
  for (const { title, rows } of sections) {
    out.push(`── ${title} ${'─'.repeat(Math.max(0, 100 - title.length))}`);
    for (const [label, stats, throughput = '', note = ''] of rows) {
      out.push(line([label, stats.n, ms(stats.p50), ms(stats.p95), ms(stats.p99), ms(stats.mean), throughput, note]));
    }
  }
  return out;
}

const figure = (value, unit) =>
  Number.isFinite(value) ? `${Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2)}${unit}` : 'n/a';

/** targets: [{ name, value, limit, atMost, unit, how, pass }] */
export function targetTable(targets) {
  const width = Math.max(20, ...targets.map((t) => t.name.length)) + 2;
  return targets.map(
    (t) =>
      `${t.pass ? 'PASS' : 'MISS'}  ${t.name.padEnd(width)} ${figure(t.value, t.unit).padStart(10)}   limit ${t.atMost ? '≤' : '≥'} ${figure(t.limit, t.unit)}${t.how ? `   (${t.how})` : ''}`,
  );
}

/** One phase's CPU: per process group, per job when `jobs` is given, and what else the machine did. */
export function cpuLine(label, cpu, jobs) {
  if (!cpu) return `${label}: CPU accounting needs /proc`;
  const per = (value) => (jobs ? `${((value * 1000) / jobs).toFixed(1)}` : value.toFixed(2));
  const parts = Object.entries(cpu.cpuSeconds)
    .filter(([, value]) => value > 0)
    .map(([name, value]) => `${name} ${per(value)}`);
  const others = cpu.others
    .filter((entry) => entry.cpuSeconds >= 0.2)
    .slice(0, 3)
    .map((entry) => `${entry.comm} ${entry.cpuSeconds}s`)
    .join(', ');
  return (
    `${label} (${cpu.seconds} s, machine busy ${(cpu.machineBusySeconds / cpu.seconds).toFixed(2)} of ${cpus().length} cores): ` +
    `${jobs ? 'CPU ms per job' : 'CPU s'}: ${parts.join(', ')}; not ours: ${(cpu.otherSeconds / cpu.seconds).toFixed(2)} cores${others ? ` (${others})` : ''}`
  );
}
