// The dev runner's supervisor, with real child processes that crash.
import { describe, expect, it } from 'vitest';
import { runProcess, stopProcess } from '../lib/processes.mjs';
import { supervise } from '../lib/supervise.mjs';

const crashAfter = (ms, code) => () =>
  runProcess('crasher', process.execPath, ['-e', `setTimeout(() => process.exit(${code}), ${ms})`], {
    logFile: '/dev/null',
  });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe('supervise', () => {
  it('restarts a crashed process with a doubling pause, says so, and stops for good when asked', async () => {
    const lines = [];
    const start = crashAfter(100, 3);
    const supervisor = supervise('crasher', start(), start, {
      log: (line) => lines.push({ at: Date.now(), line }),
      initialDelayMs: 200,
      maxDelayMs: 800,
    });
    const began = Date.now();
    while (supervisor.restarts < 4 && Date.now() - began < 15_000) await sleep(50);
    expect(supervisor.restarts).toBe(4);
    const announced = lines
      .filter(({ line }) => line.includes('restarting it in'))
      .map(({ line }) => /in ([\d.]+) s/.exec(line)[1]);
    expect(announced.slice(0, 4)).toEqual(['0.2', '0.4', '0.8', '0.8']); // doubling, capped
    expect(lines.some(({ line }) => /crasher exited \(code 3\)/.test(line))).toBe(true);
    expect(lines.some(({ line }) => /crasher restarted \(restart 1, pid \d+\)/.test(line))).toBe(true);

    const restartsBefore = supervisor.restarts;
    await supervisor.stop((child) => stopProcess(child, 1_000));
    await sleep(1_500);
    expect(supervisor.restarts).toBe(restartsBefore);
  }, 30_000);

  it('goes back to the shortest pause once a process stayed up long enough', async () => {
    const lines = [];
    const start = crashAfter(300, 1);
    const supervisor = supervise('steady', start(), start, {
      log: (line) => lines.push(line),
      initialDelayMs: 100,
      maxDelayMs: 1_000,
      resetAfterMs: 250,
    });
    const began = Date.now();
    while (supervisor.restarts < 3 && Date.now() - began < 10_000) await sleep(50);
    await supervisor.stop((child) => stopProcess(child, 1_000));
    // Each run lasted 300 ms, past the 250 ms reset: never a longer pause than the first.
    expect(lines.filter((line) => line.includes('restarting it in')).every((line) => line.includes('in 0.1 s'))).toBe(
      true,
    );
  }, 20_000);

  it('stops a process that was being started when the stop came', async () => {
    let started;
    const slowStart = async () => {
      await sleep(300);
      started = runProcess('late', process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { logFile: '/dev/null' });
      return started;
    };
    const first = crashAfter(50, 2)();
    let crashed = false;
    const supervisor = supervise('late', first, slowStart, {
      log: (line) => (crashed ||= line.includes('exited')),
      initialDelayMs: 10,
    });
    while (!crashed) await sleep(10);
    await sleep(100); // the pause is over, the new one is starting
    await supervisor.stop((child) => stopProcess(child, 1_000));
    expect(started).toBeDefined();
    expect(started.exitCode !== null || started.signalCode !== null).toBe(true);
  }, 10_000);
});
