/** What insight.machines answers. Every section says whether its source answered; none throws for another's outage. */

export interface TaskQueueFigures {
  /** Tasks waiting in the queue (Temporal's approximateBacklogCount). */
  backlogCount: number;
  /** Age of the oldest waiting task, in seconds (approximateBacklogAge). */
  backlogAgeSeconds: number;
  /** Tasks added per second, averaged by Temporal over the last 30 s (tasksAddRate). */
  addRatePerSecond: number;
  /** Tasks handed to workers per second, averaged over the last 30 s (tasksDispatchRate). */
  dispatchRatePerSecond: number;
}

export interface TaskQueueStats extends TaskQueueFigures {
  /** The same per priority key (1 = critical … 4 = low; 3, normal, is Temporal's default), for the keys in use. */
  byPriority: Array<TaskQueueFigures & { priority: number }>;
}

export interface Poller {
  identity: string;
  kind: 'workflow' | 'activity';
  lastAccessAt: string | null;
  ratePerSecond: number;
}

export interface QueueHistoryPoint {
  at: string;
  /** Workflow and activity tasks waiting. */
  backlog: number;
  addRate: number;
  dispatchRate: number;
}

export interface QueueInsight {
  name: string;
  workflow: TaskQueueStats;
  activity: TaskQueueStats;
  pollers: Poller[];
  /** Paused in Jobdeck (its activity tasks' rate limit is zero). */
  paused: boolean;
  history: QueueHistoryPoint[];
}

export interface Section {
  available: boolean;
  /** Why the source did not answer (null when it did). */
  error: string | null;
}

export interface WorkerHistoryPoint {
  at: string;
  cpuPercent: number;
  rssBytes: number;
  eventLoopP99Ms: number;
  slotsUsed: number;
}

export interface WorkerInsight {
  /** `<pid>@<host>`: the identity Temporal lists the process's pollers under. */
  id: string;
  host: string;
  pid: number;
  queues: Array<{ name: string; slotsUsed: number; slotsAvailable: number }>;
  cpuPercent: number;
  rssBytes: number;
  heapUsedBytes: number;
  eventLoopDelayMs: { p50: number; p99: number };
  jobsDone: number;
  activitiesDone: number;
  startedAt: string;
  lastSeenAt: string;
  reportIntervalMs: number;
  /** It missed 3 reports in a row. */
  stale: boolean;
  history: WorkerHistoryPoint[];
}

export interface RedisFigures {
  usedMemoryBytes: number;
  opsPerSecond: number;
  connectedClients: number;
}

export interface PostgresFigures {
  databaseSizeBytes: number;
  connections: number;
}

export interface TemporalWorkerHeartbeat {
  instanceKey: string;
  identity: string;
  host: string;
  pid: number | null;
  taskQueue: string;
  status: string;
  sdk: string;
  startedAt: string | null;
  heartbeatAt: string | null;
  activitySlots: { used: number; available: number; processed: number; failed: number } | null;
  workflowSlots: { used: number; available: number; processed: number; failed: number } | null;
  /** The whole host's CPU and memory use, in % (the SDK measures the machine, not the process). */
  hostCpuPercent: number | null;
  hostMemoryPercent: number | null;
}

export interface MachineInsight {
  sampledAt: string;
  queues: Section & { items: QueueInsight[] };
  workers: Section & { items: WorkerInsight[] };
  redis: Section & {
    usedMemoryBytes: number | null;
    opsPerSecond: number | null;
    connectedClients: number | null;
    history: Array<RedisFigures & { at: string }>;
  };
  postgres: Section & {
    databaseSizeBytes: number | null;
    connections: number | null;
    tables: Array<{ name: string; totalBytes: number; estimatedRows: number }>;
    history: Array<PostgresFigures & { at: string }>;
  };
  temporalWorkerHeartbeats: { supported: boolean; note: string; items: TemporalWorkerHeartbeat[] };
}
