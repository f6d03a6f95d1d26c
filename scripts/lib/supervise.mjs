// Keeps `npm run dev`'s processes running: one that crashes is started again, with a growing pause,
// instead of taking the whole stack down with it.

const seconds = (ms) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

function describeExit({ code, signal }) {
  return signal ? `signal ${signal}` : `code ${code}`;
}

/**
 * Watches `first` (a child with an `exited` promise, as runProcess makes) and, when it exits without
 * being asked to, waits and calls `start()` for a new one: 1 s, 2 s, 4 s… up to `maxDelayMs`, back
 * to 1 s once a process has stayed up for `resetAfterMs` (a crash an hour later is a new story, not
 * a crash loop). Each restart is said out loud. `stop(stopChild)` ends the supervision and stops the
 * current process with `stopChild`; an exit after it is not a crash.
 */
export function supervise(
  name,
  first,
  start,
  { log, initialDelayMs = 1_000, maxDelayMs = 30_000, resetAfterMs = 60_000 } = {},
) {
  let child = first;
  let startedAt = Date.now();
  let failures = 0;
  let stopped = false;
  let timer = null;
  let restarts = 0;
  let starting = null;

  const watch = (current) => {
    current.exited.then((result) => {
      if (stopped || current !== child) return;
      const upMs = Date.now() - startedAt;
      if (upMs >= resetAfterMs) failures = 0;
      const delayMs = Math.min(maxDelayMs, initialDelayMs * 2 ** failures);
      failures += 1;
      log(`${name} exited (${describeExit(result)}) after ${seconds(upMs)}; restarting it in ${seconds(delayMs)}`);
      timer = setTimeout(() => void restart(), delayMs);
    });
  };

  const restart = async () => {
    timer = null;
    if (stopped) return;
    try {
      starting = Promise.resolve(start());
      child = await starting;
    } catch (error) {
      // Could not even start: counts as one more crash, with the next, longer pause.
      log(`${name} could not be restarted: ${error.message}`);
      child = { exited: Promise.resolve({ code: null, signal: null }) };
      startedAt = Date.now();
      watch(child);
      return;
    }
    startedAt = Date.now();
    restarts += 1;
    log(`${name} restarted (restart ${restarts}${child.pid ? `, pid ${child.pid}` : ''})`);
    if (stopped) return;
    watch(child);
  };

  watch(child);
  return {
    get child() {
      return child;
    },
    get restarts() {
      return restarts;
    },
    /** No more restarts, without stopping the process yet (a shutdown halts them all, then stops them in order). */
    halt() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
    async stop(stopChild) {
      stopped = true;
      if (timer) clearTimeout(timer);
      // A process being started as Ctrl-C comes is stopped too, once it exists.
      await starting?.catch(() => undefined);
      await stopChild(child);
    },
  };
}
