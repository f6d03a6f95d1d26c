/** What the API's `live.health` notice says, as far as the dashboard reads it. */
export interface BusHealth {
  live: boolean;
  reason: string | null;
  everyMs: number;
  /** When this tab received it (its own clock: the server's may differ). */
  receivedAt: number;
}

export function isBusHealthNotice(
  message: unknown,
): message is { kind: 'live.health'; live: boolean; reason: string | null; everyMs?: number } {
  return typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'live.health';
}

/** Notices missed before the stream counts as silent: one late notice is jitter, three is a stuck stream. */
const MISSED_NOTICES = 2.5;

/**
 * Whether events flow, from the last notice: `unknown` before the first one (an API without
 * notices; other signals decide), `down` when the bus is away or the notices stopped coming.
 */
export function busState(
  health: BusHealth | null,
  now: number,
): { state: 'unknown' | 'live' | 'down'; reason: string | null } {
  if (!health) return { state: 'unknown', reason: null };
  if (now - health.receivedAt > health.everyMs * MISSED_NOTICES)
    return { state: 'down', reason: 'the live stream went silent: live events unavailable, polling meanwhile' };
  return health.live
    ? { state: 'live', reason: null }
    : { state: 'down', reason: health.reason ?? 'live events unavailable: polling meanwhile' };
}
