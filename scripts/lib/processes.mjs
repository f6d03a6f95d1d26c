import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { repoRoot } from './util.mjs';

const COLORS = { temporal: 35, worker: 33, api: 32, web: 34, postgres: 36, redis: 31 };

/**
 * Runs a long-lived child. Its output goes to the terminal with a coloured name (dev), or to a log
 * file (tests), so that a failing run can show what each process said.
 */
export function runProcess(name, command, args, { env = {}, logFile = null, cwd = repoRoot } = {}) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const sink = logFile ? createWriteStream(logFile, { flags: 'a' }) : null;
  const label = `\x1b[${COLORS[name] ?? 37}m${name.padEnd(8)}\x1b[0m│ `;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (sink) sink.write(`${line}\n`);
      else console.log(`${label}${line}`);
    });
  }
  child.name = name;
  // The same process again, for the dev runner's supervisor (scripts/lib/supervise.mjs).
  child.respawn = () => runProcess(name, command, args, { env, logFile, cwd });
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return child;
}

/** SIGTERM, then SIGKILL after a grace period: the worker needs a moment to hand back its activities. */
export async function stopProcess(child, graceMs = 10_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}
