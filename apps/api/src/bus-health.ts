import type { EventBus } from '@jobdeck/workflows';

/** How often every open stream is told whether live events flow. */
export const BUS_HEALTH_EVERY_MS = 2_000;

/**
 * Sent on every live stream every two seconds. With Redis away a stream stays open and simply
 * receives nothing, which a dashboard cannot tell from a quiet minute: this says which it is, and its
 * absence (no notice for several intervals) says the stream itself is stuck. `live: false` means
 * "poll": events of the workers do not reach this API instance now.
 */
export type BusHealthNotice = {
  kind: 'live.health';
  live: boolean;
  /** Why not live, in words a dashboard may show; null when live. */
  reason: string | null;
  /** The interval, so that a client knows when a missing notice means trouble. */
  everyMs: number;
  at: string;
};

export function busHealthNotice(
  bus: Pick<EventBus, 'mode' | 'connected'>,
  everyMs = BUS_HEALTH_EVERY_MS,
): BusHealthNotice {
  const live = bus.mode === 'redis' && bus.connected;
  const reason = live
    ? null
    : bus.mode === 'local'
      ? 'Redis is not configured: live events unavailable'
      : 'Redis unreachable: live events unavailable';
  return { kind: 'live.health', live, reason, everyMs, at: new Date().toISOString() };
}

/**
 * Tells `notifyAll` the bus's health every `everyMs`; a change waits for the next tick, since two
 * seconds is well inside the five a dashboard may take to say it polls. Returns the way to stop.
 * One per API process (beside its live dispatcher), not one per stream.
 */
export function startBusHeartbeat(
  bus: Pick<EventBus, 'mode' | 'connected'>,
  notifyAll: (notice: BusHealthNotice) => void,
  everyMs = BUS_HEALTH_EVERY_MS,
): () => void {
  const timer = setInterval(() => notifyAll(busHealthNotice(bus, everyMs)), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
