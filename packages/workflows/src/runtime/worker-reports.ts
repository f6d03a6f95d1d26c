// What a worker process reports of itself through Redis every few seconds, and where: written by
// apps/worker (reporter.ts), read by the API's insight.machines. One definition for both sides.
import { z } from 'zod';

/** Where a worker's reports live under the install's Redis prefix. */
export function workerReportKeys(prefix: string, id = '') {
  return {
    /** Sorted set: worker id → time of its last report (ms). */
    index: `${prefix}machines:workers`,
    report: `${prefix}machines:worker:${id}`,
    history: `${prefix}machines:worker:${id}:history`,
  };
}

/** Samples each worker keeps of itself (its short history). */
export const WORKER_HISTORY_LENGTH = 60;

const queueSlots = z.object({
  name: z.string(),
  /** Activities executing on this queue in this process now. */
  slotsUsed: z.number(),
  /** The worker's maxConcurrentActivityTaskExecutions on this queue. */
  slotsAvailable: z.number(),
});

export const workerReportSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number(),
  startedAt: z.string(),
  at: z.string(),
  intervalMs: z.number().positive(),
  queues: z.array(queueSlots),
  /** CPU time of this process over the last interval, in % of one core (above 100 on several cores). */
  cpuPercent: z.number(),
  rssBytes: z.number(),
  heapUsedBytes: z.number(),
  eventLoopDelayMs: z.object({ p50: z.number(), p99: z.number() }),
  /** Jobs (workflows) that ended on this process since it started, whatever their outcome. */
  jobsDone: z.number(),
  /** Activity executions that finished on this process since it started, whatever their outcome. */
  activitiesDone: z.number().default(0),
});

export const workerSampleSchema = z.object({
  at: z.string(),
  cpuPercent: z.number(),
  rssBytes: z.number(),
  eventLoopP99Ms: z.number(),
  slotsUsed: z.number(),
});

export type QueueSlots = z.output<typeof queueSlots>;
export type WorkerReport = z.input<typeof workerReportSchema>;
export type WorkerSample = z.output<typeof workerSampleSchema>;
