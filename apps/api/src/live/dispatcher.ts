import { redactSecrets, type BusEvent, type EventBus, type JobEvent, type SystemEvent } from '@jobdeck/workflows';
import { LiveConnection, type ConnectionOptions, type LiveNotice } from './connection';
import {
  classify,
  systemClassOf,
  systemWhere,
  typeFromJobId,
  watchMatches,
  type EventClass,
  type JobWhere,
  type Selector,
} from './selector';

/**
 * One per API process, subscribed once to the event bus. Open streams are indexed by what they
 * ask for (a followed job id; a watched queue, type or everything, per kind of event), so that an
 * event costs a few map lookups plus the streams it is for, not a listener call on every stream.
 * The event is redacted once here, not once per stream. Queue and alert events are indexed like job
 * events (by queue, type or everything, per class); health reaches every stream that asks for it.
 */

/** Where a job runs, for streams narrowed by queue: from Postgres when the event does not say. */
export type LookupJob = (jobId: string) => Promise<JobWhere | null>;

const WHERE_CACHE_SIZE = 20_000;
/** A job whose record is not there yet is asked about again after this long, not on every event. */
const MISSING_RETRY_MS = 1_000;

export interface LiveDispatcher {
  /** Opens a stream's outbox; close it when the stream ends. */
  open(selector: Selector, options?: ConnectionOptions): LiveConnection;
  /** Every open stream receives the notice at once, whatever it asked for (e.g. the bus's health). */
  notifyAll(notice: LiveNotice): void;
  readonly size: number;
  /** For tests and the bench: what reached the streams, summed over every stream ever closed and open. */
  stats(): {
    open: number;
    events: number;
    delivered: number;
    messages: number;
    coalesced: number;
    dropped: number;
    lookups: number;
  };
  /**
   * Delivers an event as if it came from the bus: tests, and what this process tells its own streams
   * only (queue stats, health changes: every API process reads them itself, so the bus would repeat them).
   */
  dispatch(event: BusEvent): void;
  /** How many open streams ask for events of this class (the queue stats and health checks run only then). */
  wants(kind: EventClass): number;
  close(): void;
}

export interface DispatcherOptions {
  bus: Pick<EventBus, 'subscribe'>;
  lookupJob?: LookupJob;
  connection?: ConnectionOptions;
}

export function createLiveDispatcher({
  bus,
  lookupJob = async () => null,
  connection: defaults = {},
}: DispatcherOptions): LiveDispatcher {
  /** `id:<job>`, `*:<class>`, `q:<queue>:<class>`, `t:<type>:<class>` → the streams registered there. */
  const index = new Map<string, Set<LiveConnection>>();
  const connections = new Set<LiveConnection>();
  let narrowedByQueue = 0;
  let unsubscribe: (() => void) | null = null;
  const where = new Map<string, JobWhere>();
  const missing = new Map<string, number>();
  /** Per job, events waiting for its queue to be looked up: delivered in order once it is known. */
  const waiting = new Map<string, JobEvent[]>();
  const totals = { events: 0, delivered: 0, messages: 0, coalesced: 0, dropped: 0, lookups: 0 };
  const wanted = new Map<EventClass, number>();
  const count = (selector: Selector, by: 1 | -1) => {
    for (const kind of selector.watch?.kinds ?? []) wanted.set(kind, (wanted.get(kind) ?? 0) + by);
  };

  const keysOf = (selector: Selector): string[] => {
    const keys = [...(selector.follow ?? [])].map((id) => `id:${id}`);
    const watch = selector.watch;
    if (watch) {
      const scope = watch.queue !== undefined ? `q:${watch.queue}` : watch.type !== undefined ? `t:${watch.type}` : '*';
      for (const kind of watch.kinds) keys.push(`${scope}:${kind}`);
    }
    return keys;
  };

  function remember(jobId: string, value: JobWhere): void {
    where.delete(jobId);
    where.set(jobId, value);
    if (where.size > WHERE_CACHE_SIZE) where.delete(where.keys().next().value!);
  }

  function known(event: JobEvent): JobWhere | null {
    const cached = where.get(event.jobId);
    if (event.queue && event.type) {
      if (cached?.queue !== event.queue || cached.type !== event.type)
        remember(event.jobId, { type: event.type, queue: event.queue });
      return { type: event.type, queue: event.queue };
    }
    if (cached) return cached;
    const type = event.type ?? typeFromJobId(event.jobId);
    return event.queue || !narrowedByQueue ? { type, queue: event.queue ?? null } : null;
  }

  function deliver(event: BusEvent, kind: EventClass, at: JobWhere | null): void {
    const reached = new Set<LiveConnection>();
    const offer = (key: string, check: boolean) => {
      const set = index.get(key);
      if (!set) return;
      for (const connection of set) {
        if (reached.has(connection)) continue;
        if (check && !(connection.selector.watch && watchMatches(connection.selector.watch, kind, at))) continue;
        reached.add(connection);
        connection.push(event);
      }
    };
    if ('jobId' in event) offer(`id:${event.jobId}`, false);
    offer(`*:${kind}`, false);
    if (at?.queue) offer(`q:${at.queue}:${kind}`, true);
    if (at?.type) offer(`t:${at.type}:${kind}`, true);
  }

  /** Health is about everything: every stream asking for it, however narrowed, receives it. */
  function deliverSystem(event: SystemEvent): void {
    const kind = systemClassOf(event);
    if (!wanted.get(kind)) return;
    if (kind !== 'health') return deliver(event, kind, systemWhere(event));
    for (const connection of connections) if (connection.selector.watch?.kinds.has('health')) connection.push(event);
  }

  function onEvent(received: BusEvent): void {
    totals.events += 1;
    if (!connections.size) return;
    // Alert messages and health details quote what came from outside too: redacted like job events.
    if (!('jobId' in received)) return deliverSystem(redactSecrets(received));
    const event = redactSecrets(received);
    const kind = classify(event);
    const queued = waiting.get(event.jobId);
    if (queued) {
      queued.push(event);
      return;
    }
    const at = known(event);
    if (at) return deliver(event, kind, at);
    const retryAt = missing.get(event.jobId);
    if (retryAt !== undefined && retryAt > Date.now())
      return deliver(event, kind, { type: typeFromJobId(event.jobId), queue: null });
    // Unknown queue and a stream narrowed by queue: look it up once, hold this job's events meanwhile.
    waiting.set(event.jobId, [event]);
    totals.lookups += 1;
    void lookupJob(event.jobId)
      .catch(() => null)
      .then((found) => {
        if (found) {
          remember(event.jobId, found);
          missing.delete(event.jobId);
        } else {
          missing.set(event.jobId, Date.now() + MISSING_RETRY_MS);
          if (missing.size > WHERE_CACHE_SIZE) missing.delete(missing.keys().next().value!);
        }
        const held = waiting.get(event.jobId) ?? [];
        waiting.delete(event.jobId);
        const at = found ?? { type: typeFromJobId(event.jobId), queue: null };
        for (const next of held) deliver(next, classify(next), at);
      });
  }

  return {
    open(selector, options) {
      if (!unsubscribe) unsubscribe = bus.subscribe(onEvent);
      const connection = new LiveConnection(selector, { ...defaults, ...options }, (closed) => {
        connections.delete(closed);
        for (const key of keysOf(closed.selector)) {
          const set = index.get(key);
          set?.delete(closed);
          if (set && !set.size) index.delete(key);
        }
        if (closed.selector.watch?.queue !== undefined) narrowedByQueue -= 1;
        count(closed.selector, -1);
        for (const name of ['delivered', 'messages', 'coalesced', 'dropped'] as const)
          totals[name] += closed.counts[name];
      });
      connections.add(connection);
      for (const key of keysOf(selector)) {
        const set = index.get(key) ?? new Set();
        set.add(connection);
        index.set(key, set);
      }
      if (selector.watch?.queue !== undefined) narrowedByQueue += 1;
      count(selector, 1);
      return connection;
    },
    notifyAll(notice) {
      for (const connection of connections) connection.notify(notice);
    },
    get size() {
      return connections.size;
    },
    stats() {
      const sum = { ...totals };
      for (const connection of connections)
        for (const name of ['delivered', 'messages', 'coalesced', 'dropped'] as const)
          sum[name] += connection.counts[name];
      return { open: connections.size, ...sum };
    },
    dispatch: onEvent,
    wants: (kind) => wanted.get(kind) ?? 0,
    close() {
      for (const connection of [...connections]) connection.close();
      unsubscribe?.();
      unsubscribe = null;
    },
  };
}
