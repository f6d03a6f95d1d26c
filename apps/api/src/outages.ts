import { isPostgresAway, isTemporalUnavailable } from './errors';

export type Dependency = 'postgres' | 'temporal';

/** Which dependency being away explains a failure, if any. */
export function awayDependency(error: unknown): Dependency | null {
  if (error && typeof error === 'object' && isTemporalUnavailable(error)) return 'temporal';
  for (
    let current = error, depth = 0;
    current && typeof current === 'object' && depth < 5;
    current = (current as { cause?: unknown }).cause, depth++
  ) {
    if (isPostgresAway(current)) return 'postgres';
  }
  return null;
}

/**
 * One log line when a dependency goes away and one when it is back, not one per request: during an
 * outage every request fails alike, and thousands of identical stacks bury the two lines that matter.
 * Once a failure says a dependency is away, a probe asks every `intervalMs` until it answers.
 */
export interface OutageWatch {
  /** Notes a failure; true when it was a dependency being away (the caller then logs nothing itself). */
  note(error: unknown): boolean;
  isDown(dependency: Dependency): boolean;
  close(): void;
}

export function createOutageWatch(
  probes: Record<Dependency, () => Promise<unknown>>,
  {
    intervalMs = 2_000,
    log = (line: string) => console.warn(line),
  }: { intervalMs?: number; log?: (line: string) => void } = {},
): OutageWatch {
  const down = new Map<Dependency, { since: number; timer: ReturnType<typeof setInterval> }>();
  const probing = new Set<Dependency>();

  function markDown(dependency: Dependency) {
    if (down.has(dependency)) return;
    const timer = setInterval(() => void probe(dependency), intervalMs);
    timer.unref();
    down.set(dependency, { since: Date.now(), timer });
    log(`${dependency}: unreachable; answering 503 (SERVICE_UNAVAILABLE) for what needs it until it is back`);
  }

  async function probe(dependency: Dependency) {
    if (probing.has(dependency)) return;
    probing.add(dependency);
    try {
      await probes[dependency]();
      const outage = down.get(dependency);
      if (!outage) return;
      clearInterval(outage.timer);
      down.delete(dependency);
      log(`${dependency}: back after ${((Date.now() - outage.since) / 1000).toFixed(1)} s`);
    } catch {
      // still away: the next probe asks again
    } finally {
      probing.delete(dependency);
    }
  }

  return {
    note(error) {
      const dependency = awayDependency(error);
      if (dependency) markDown(dependency);
      return dependency !== null;
    },
    isDown: (dependency) => down.has(dependency),
    close() {
      for (const { timer } of down.values()) clearInterval(timer);
      down.clear();
    },
  };
}
