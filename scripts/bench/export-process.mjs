// The export bench's view of a worker process: its memory from /proc (VmRSS, VmHWM, a peak reset,
// RSS sampled), a worker started as the stack starts it, and the lines of a written file.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../lib/util.mjs';
import { runProcess } from '../lib/processes.mjs';

/** The process and every process below it (children the worker started, e.g. tsx's esbuild service). */
export function processTree(pid) {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    try {
      for (const task of readdirSync(`/proc/${pids[i]}/task`)) {
        const children = readFileSync(`/proc/${pids[i]}/task/${task}/children`, 'utf8').trim();
        if (children) pids.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function statusOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
  } catch {
    return null;
  }
}

/**
 * VmRSS and VmHWM of a process, in bytes, with those of its child processes added (a child's peak
 * added to the parent's, whenever it came: an upper bound of the tree's peak); null once it is gone.
 */
export function memoryOf(pid) {
  const own = statusOf(pid);
  if (!own) return null;
  const children = processTree(pid).slice(1).map(statusOf).filter(Boolean);
  return {
    rss: own.rss + children.reduce((sum, child) => sum + child.rss, 0),
    hwm: own.hwm + children.reduce((sum, child) => sum + child.hwm, 0),
    ownRss: own.rss,
    ownHwm: own.hwm,
    children: children.length,
  };
}

/** Resets the VmHWM of the process and its children to their current RSS (Linux ≥ 4.0): the peak then is the export's. */
export function resetPeak(pid) {
  try {
    for (const each of processTree(pid)) writeFileSync(`/proc/${each}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples the RSS of a process and its children every `everyMs` until stopped; the largest sample. */
export function rssSampler(pid, everyMs = 100) {
  let max = 0;
  const samples = [];
  const timer = setInterval(() => {
    const memory = memoryOf(pid);
    if (!memory) return;
    max = Math.max(max, memory.rss);
    samples.push(memory.rss);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { max, samples: samples.length };
    },
  };
}

/** Lines of a text file (a CSV's rows + header), read in blocks. */
export function countLines(path) {
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(1 << 20);
  let lines = 0;
  try {
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (!read) break;
      for (let i = 0; i < read; i++) if (buffer[i] === 10) lines++;
    }
  } finally {
    closeSync(fd);
  }
  return lines;
}

export async function startWorker({ env, logDir, name }) {
  const logFile = join(logDir, `${name}.log`);
  const child = runProcess('worker', process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], {
    env,
    logFile,
  });
  // Ready once it says it polls its queues.
  await waitFor(
    `the ${name}`,
    () => {
      if (child.exitCode !== null)
        throw Object.assign(new Error(`the ${name} exited with ${child.exitCode} (see ${logFile})`), { fatal: true });
      return existsSync(logFile) && /worker polling/.test(readFileSync(logFile, 'utf8'));
    },
    120_000,
  );
  return { child, logFile };
}
