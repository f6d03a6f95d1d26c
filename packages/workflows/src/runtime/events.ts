import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { JobState } from './states';

export interface JobProgress {
  percent: number;
  step?: string | null;
  stepsDone?: number;
  stepsTotal?: number | null;
  message?: string | null;
}

/**
 * `type` and `queue` are optional: when a publisher sets them, the API narrows subscriptions by queue
 * or job type without asking Postgres which queue the job runs on (see apps/api/src/live).
 */
interface JobEventBase {
  jobId: string;
  type?: string;
  queue?: string;
  at: string;
}

/**
 * A job's moments that change the counts (issue 12), carried on the `job.updated` of that moment rather
 * than as events of their own: a consumer that knows only `job.updated` keeps working, and a job costs
 * no extra message on the bus. `added`: its record was first written (enqueue, or a start around the
 * API such as a Schedule's); `completed` / `failed`: it ended so (state `completed` / `failed`).
 */
export const JOB_LIFECYCLES = ['added', 'completed', 'failed'] as const;
export type JobLifecycle = (typeof JOB_LIFECYCLES)[number];

/** The lifecycle moment an end state is, if any: other ends (cancelled, terminated, timed out) are not. */
export function endLifecycle(state: JobState): JobLifecycle | undefined {
  return state === 'completed' || state === 'failed' ? state : undefined;
}

export type JobEvent =
  | (JobEventBase & {
      kind: 'job.updated';
      state?: JobState;
      progress?: JobProgress;
      attempt?: number;
      lifecycle?: JobLifecycle;
    })
  | (JobEventBase & { kind: 'job.log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string });

/** Events about something other than one job: queues, the system's health, alerts (issue 12). */
export type SystemEvent =
  | { kind: 'queue.paused' | 'queue.resumed'; queue: string; by: string; reason: string | null; at: string }
  | {
      kind: 'queue.stats';
      queue: string;
      backlog: number;
      oldestWaitMs: number | null;
      workers: number;
      paused: boolean;
      at: string;
    }
  | {
      kind: 'system.health';
      component: 'temporal' | 'postgres' | 'redis';
      ok: boolean;
      detail: string | null;
      at: string;
    }
  | {
      kind: 'alert.fired' | 'alert.resolved';
      firingId: string;
      ruleId: string;
      ruleName: string;
      ruleKind: string;
      severity: 'low' | 'medium' | 'high' | 'critical';
      subject: string;
      message: string;
      /** Set when the rule is about one queue or job type: streams narrowed to it receive the event. */
      queue?: string;
      type?: string;
      at: string;
    }
  /** "Send test" on a dashboard channel: every open bell shows it, so its reader knows the channel works. */
  | { kind: 'alert.test'; channelId: string; channelName: string; by: string; at: string };

/** Everything the bus carries. */
export type BusEvent = JobEvent | SystemEvent;

export interface EventBus {
  /** `redis` fans out across processes; `local` reaches only this process (no Redis was found). */
  readonly mode: 'redis' | 'local';
  /**
   * Whether events of other processes reach this one right now: Redis connected (the subscriber's
   * connection once something subscribed). Always false in `local` mode. Read it as often as needed.
   */
  readonly connected: boolean;
  /** Best effort: events are a live view of what is already in Postgres, so a lost one loses no data. */
  publish(event: BusEvent): Promise<void>;
  subscribe(listener: (event: BusEvent) => void): () => void;
  close(): Promise<void>;
}

export interface EventBusOptions {
  redisUrl?: string | null;
  /** Key prefix, so that several Jobdeck installs (or test runs) can share one Redis. */
  prefix: string;
  onError?: (error: Error) => void;
}

export function createEventBus({ redisUrl, prefix, onError = () => {} }: EventBusOptions): EventBus {
  const local = new EventEmitter();
  local.setMaxListeners(0);
  if (!redisUrl) {
    return {
      mode: 'local',
      connected: false,
      async publish(event) {
        local.emit('event', event);
      },
      subscribe(listener) {
        local.on('event', listener);
        return () => local.off('event', listener);
      },
      async close() {
        local.removeAllListeners();
      },
    };
  }

  const channel = `${prefix}events`;
  // Fail fast while Redis is away instead of queueing: a job must never wait on its live view.
  const connectionOptions = { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false } as const;
  const publisher = new Redis(redisUrl, connectionOptions);
  publisher.on('error', onError);
  let subscriber: Redis | undefined;

  return {
    mode: 'redis',
    get connected() {
      return (subscriber ?? publisher).status === 'ready';
    },
    async publish(event) {
      try {
        if (publisher.status === 'wait') await publisher.connect();
        await publisher.publish(channel, JSON.stringify(event));
      } catch (error) {
        onError(error as Error);
      }
    },
    subscribe(listener) {
      if (!subscriber) {
        subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
        subscriber.on('error', onError);
        subscriber.subscribe(channel).catch(onError);
        subscriber.on('message', (_channel: string, message: string) => {
          try {
            local.emit('event', JSON.parse(message) as BusEvent);
          } catch (error) {
            onError(error as Error);
          }
        });
      }
      local.on('event', listener);
      return () => local.off('event', listener);
    },
    async close() {
      local.removeAllListeners();
      publisher.disconnect();
      subscriber?.disconnect();
    },
  };
}
