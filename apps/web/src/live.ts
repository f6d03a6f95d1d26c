import { createContext, createElement, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { trpc } from './trpc';
import { isUnauthorized } from './lib/errors';
import { clearToken } from './lib/auth';
import { busState, isBusHealthNotice, type BusHealth } from './lib/bus-health';
import { LiveScopeContext, useScopeRegistry } from './lib/live-scope';
import { isLive } from './lib/states';

/**
 * Live updates: one Server-Sent Events subscription to events.subscribe for the whole dashboard,
 * narrowed to what the mounted pages show (lib/live-scope.ts).
 * An event invalidates what it changes; the job's own page at once, lists and counts at most every
 * 500 ms, so a fast job does not set off a storm of refetches. Without Redis (or while the stream
 * is down) pages poll instead: see usePollInterval.
 */

export type LiveMode = 'live' | 'connecting' | 'polling';

interface LiveState {
  mode: LiveMode;
  /** Why the dashboard polls, for the notice in the header. */
  reason: string | null;
}

const LiveContext = createContext<LiveState>({ mode: 'polling', reason: null });

/** Any event of the stream (jobs, queues, health, alerts), for a page that applies it itself. */
export type LiveEvent =
  | JobEvent
  | {
      kind: `queue.${string}` | `alert.${string}` | 'system.health';
      jobId?: undefined;
      at: string;
      [key: string]: unknown;
    };
type LiveListener = (event: LiveEvent) => void;
const LiveEventsContext = createContext<Set<LiveListener>>(new Set());

/**
 * Calls `listener` with every event the tab's stream receives while the component is mounted (ask
 * for them with useLiveScope). Events are best effort: a page that applies them keeps polling.
 */
export function useLiveEvents(listener: LiveListener): void {
  const listeners = useContext(LiveEventsContext);
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => {
    const call: LiveListener = (event) => latest.current(event);
    listeners.add(call);
    return () => void listeners.delete(call);
  }, [listeners]);
}

const LIST_DEBOUNCE_MS = 500;
const JOB_DEBOUNCE_MS = 200;

/** What events.subscribe yields, as far as the dashboard reads it. */
interface JobEvent {
  kind: 'job.updated' | 'job.log';
  jobId: string;
  type?: string;
  queue?: string;
  state?: string;
  /** The moments that change the counts (issue 12); absent on other updates. */
  lifecycle?: 'added' | 'completed' | 'failed';
  at: string;
  progress?: {
    percent: number;
    step?: string | null;
    stepsDone?: number;
    stepsTotal?: number | null;
    message?: string | null;
  };
  attempt?: number;
}

function useInvalidator() {
  const utils = trpc.useUtils();
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());

  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
    };
  }, []);

  return useMemo(() => {
    /** Runs `task` once `ms` after the first request: later requests in the window join it. */
    const coalesce = (key: string, ms: number, task: () => void) => {
      if (timers.current.has(key)) return;
      timers.current.set(
        key,
        setTimeout(() => {
          timers.current.delete(key);
          task();
        }, ms),
      );
    };

    const onEvent = (event: JobEvent) => {
      const input = { id: event.jobId };
      // Progress is in the event itself: show it at once, then fetch the rest. The state is left to
      // the server: a workflow announces its end a moment before Temporal closes it, and a badge
      // that said "completed" and then "active" again would be worse than one that waits.
      if (event.kind === 'job.updated' && event.progress) {
        const progress = event.progress;
        utils.jobs.get.setData(input, (old) =>
          old
            ? {
                ...old,
                progress: {
                  percent: progress.percent,
                  step: progress.step ?? old.progress?.step ?? null,
                  stepsDone: progress.stepsDone ?? old.progress?.stepsDone ?? 0,
                  stepsTotal: progress.stepsTotal ?? old.progress?.stepsTotal ?? null,
                  message: progress.message ?? old.progress?.message ?? null,
                },
                attempts: Math.max(old.attempts, event.attempt ?? 0),
              }
            : old,
        );
      }
      coalesce(`job:${event.jobId}`, JOB_DEBOUNCE_MS, () => void utils.jobs.get.invalidate(input));
      // A workflow records its end just before Temporal closes it: look again once it has. The counts
      // too, the second time past the API's 3 s stats cache: the live overview otherwise showed the
      // end only at its next poll, 15 s later.
      if (event.state && !isLive(event.state)) {
        for (const ms of [1_200, 4_000]) {
          setTimeout(() => {
            void utils.jobs.get.invalidate(input);
            void utils.jobs.list.invalidate();
            void utils.jobs.stats.invalidate();
          }, ms);
        }
      }
      if (event.kind === 'job.updated') {
        // Matches the jobs table's pages too (their key starts with jobs.list).
        coalesce('lists', LIST_DEBOUNCE_MS, () => {
          void utils.jobs.list.invalidate();
          void utils.jobs.stats.invalidate();
        });
      }
    };
    // The stream fell behind and dropped events: whatever is shown may be stale.
    const all = () => coalesce('all', LIST_DEBOUNCE_MS, () => void utils.jobs.invalidate());
    return Object.assign(onEvent, { all });
  }, [utils]);
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const info = trpc.system.info.useQuery(undefined, { staleTime: 60_000, refetchInterval: 60_000 });
  // The API may use Redis and still have lost it: then no event flows, however healthy the stream.
  const health = trpc.system.health.useQuery(undefined, { refetchInterval: 15_000 });
  const redisDown = health.data ? !health.data.redis.liveUpdates : false;
  const enabled = info.data?.liveUpdates === true;
  const invalidate = useInvalidator();
  const [listeners] = useState(() => new Set<LiveListener>());
  const utils = trpc.useUtils();
  const [lastError, setLastError] = useState<string | null>(null);
  // The API's `live.health` notice (every ~2 s): an open stream with Redis away receives nothing else.
  const [busHealth, setBusHealth] = useState<BusHealth | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!busHealth) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [busHealth]);

  // Narrowed to what the mounted pages show (useLiveScope); a window's events come as one batch.
  const { registry, input } = useScopeRegistry();
  const subscription = trpc.events.subscribe.useSubscription(input, {
    enabled,
    onStarted: () => setLastError(null),
    onData: (data) => {
      for (const event of data.kind === 'batch' ? data.events : [data]) {
        if (isBusHealthNotice(event)) {
          setBusHealth({
            live: event.live,
            reason: event.reason,
            everyMs: event.everyMs ?? 2_000,
            receivedAt: Date.now(),
          });
          setNow(Date.now());
        } else if (event.kind === 'live.dropped') invalidate.all();
        else {
          if (event.kind === 'job.updated' || event.kind === 'job.log') invalidate(event as JobEvent);
          // Whoever paused or resumed a queue, every place that names it shows so at once.
          else if (event.kind === 'queue.paused' || event.kind === 'queue.resumed') void utils.queues.list.invalidate();
          for (const listener of listeners) listener(event as LiveEvent);
        }
      }
    },
    onError: (error) => {
      if (isUnauthorized(error)) clearToken();
      setLastError(error.message);
    },
  });

  const bus = busState(busHealth, now);
  const value = useMemo<LiveState>(() => {
    if (!info.data) return { mode: 'polling', reason: null };
    if (!enabled) return { mode: 'polling', reason: 'Redis unavailable: live updates by polling' };
    // A fresh notice is the API's word on this stream and outranks the 15-second health check.
    if (bus.state === 'down') return { mode: 'polling', reason: bus.reason };
    if (bus.state === 'unknown' && redisDown)
      return { mode: 'polling', reason: 'Redis unavailable: live updates by polling' };
    if (subscription.status === 'pending') return { mode: 'live', reason: null };
    if (subscription.status === 'connecting' && !subscription.error && !lastError)
      return { mode: 'connecting', reason: null };
    return {
      mode: 'polling',
      reason: `live updates interrupted (${subscription.error?.message ?? lastError ?? 'reconnecting'}): polling meanwhile`,
    };
  }, [info.data, enabled, redisDown, bus.state, bus.reason, subscription.status, subscription.error, lastError]);

  return createElement(
    LiveScopeContext.Provider,
    { value: registry },
    createElement(
      LiveEventsContext.Provider,
      { value: listeners },
      createElement(LiveContext.Provider, { value }, children),
    ),
  );
}

export function useLive(): LiveState {
  return useContext(LiveContext);
}

/**
 * How often a page refetches: quickly when nothing pushes updates, slowly (a safety net for a lost
 * event) when the event stream is up, never when `active` is false.
 */
export function usePollInterval(active = true, { polling = 2_500, live = 20_000 } = {}): number | false {
  const { mode } = useLive();
  if (!active) return false;
  return mode === 'live' ? live : polling;
}
