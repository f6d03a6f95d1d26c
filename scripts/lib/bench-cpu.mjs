// Where the CPU went during a phase of `npm run bench`: per process of our stack (with their
// children), our database's Postgres backends, Redis, and everything else on the machine, which
// is how interference from another run on the same cores shows up. Linux /proc only; elsewhere
// every figure is null.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const HZ = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;
const supported = existsSync('/proc/stat');

function readProcesses() {
  const processes = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // comm may contain spaces and parentheses: the fields after it follow the last ')'.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      processes.set(Number(entry), { comm, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended while we looked
    }
  }
  return processes;
}

function machineBusyTicks() {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
  return {
    busy: user + nice + system + irq + softirq + steal,
    total: user + nice + system + idle + iowait + irq + softirq + steal,
  };
}

/**
 * groups: name → root pid (its descendants count with it); pgPids: async () => pids of our
 * database's backends. Returns { start(), stop() → { seconds, cpuSeconds: {group: s}, others: [...] } }.
 */
export function cpuMeter({ groups, pgPids = async () => [] }) {
  let before = null;
  return {
    async start() {
      if (!supported) return;
      before = { at: performance.now(), processes: readProcesses(), machine: machineBusyTicks() };
    },
    async stop() {
      if (!supported || !before) return null;
      const backends = new Set(await pgPids().catch(() => []));
      const after = { at: performance.now(), processes: readProcesses(), machine: machineBusyTicks() };
      const owner = new Map();
      const ownerOf = (pid) => {
        if (owner.has(pid)) return owner.get(pid);
        let found = null;
        for (const [name, root] of Object.entries(groups)) if (root === pid) found = name;
        if (!found && backends.has(pid)) found = 'postgres (bench db)';
        if (!found) {
          const parent = after.processes.get(pid)?.ppid;
          if (parent && parent !== pid && parent > 1) found = ownerOf(parent);
        }
        owner.set(pid, found);
        return found;
      };
      const cpuSeconds = Object.fromEntries(
        [...Object.keys(groups), 'postgres (bench db)', 'redis-server (shared)'].map((name) => [name, 0]),
      );
      const others = new Map();
      for (const [pid, now] of after.processes) {
        const then = before.processes.get(pid);
        const delta = (now.ticks - (then && then.comm === now.comm ? then.ticks : 0)) / HZ;
        if (delta <= 0) continue;
        const group = ownerOf(pid) ?? (now.comm === 'redis-server' ? 'redis-server (shared)' : null);
        if (group) cpuSeconds[group] += delta;
        else others.set(now.comm, (others.get(now.comm) ?? 0) + delta);
      }
      const seconds = (after.at - before.at) / 1000;
      const machineBusy = (after.machine.busy - before.machine.busy) / HZ;
      const ours = Object.values(cpuSeconds).reduce((sum, value) => sum + value, 0);
      const round = (value) => Math.round(value * 100) / 100;
      return {
        seconds: round(seconds),
        machineBusySeconds: round(machineBusy),
        cpuSeconds: Object.fromEntries(Object.entries(cpuSeconds).map(([name, value]) => [name, round(value)])),
        // Everything the machine did that was not our stack, including processes that ended during
        // the phase (whose time no longer shows per process): the interference figure.
        otherSeconds: round(Math.max(0, machineBusy - ours)),
        others: [...others.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 6)
          .map(([comm, value]) => ({ comm, cpuSeconds: round(value) })),
      };
    },
  };
}
