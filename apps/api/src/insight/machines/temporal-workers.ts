import type { Services } from '../../services';
import type { TemporalWorkerHeartbeat } from './types';

type Int64 = number | string | { toNumber(): number } | null | undefined;
interface RawTime {
  seconds?: Int64;
  nanos?: number | null;
}
interface RawSlots {
  currentAvailableSlots?: number | null;
  currentUsedSlots?: number | null;
  totalProcessedTasks?: number | null;
  totalFailedTasks?: number | null;
}
/** The part of ListWorkers' WorkerHeartbeat that is read (temporal.api.worker.v1). */
export interface RawWorkerHeartbeat {
  workerInstanceKey?: string | null;
  workerIdentity?: string | null;
  hostInfo?: {
    hostName?: string | null;
    processId?: string | null;
    currentHostCpuUsage?: number | null;
    currentHostMemUsage?: number | null;
  } | null;
  taskQueue?: string | null;
  status?: number | string | null;
  sdkName?: string | null;
  sdkVersion?: string | null;
  startTime?: RawTime | null;
  heartbeatTime?: RawTime | null;
  activityTaskSlotsInfo?: RawSlots | null;
  workflowTaskSlotsInfo?: RawSlots | null;
}

const STATUS = ['unspecified', 'running', 'shutting down', 'shutdown'];
/** Heartbeats listed per answer. */
const PAGE_SIZE = 200;

function time(value: RawTime | null | undefined): string | null {
  if (!value?.seconds) return null;
  const seconds = typeof value.seconds === 'object' ? value.seconds.toNumber() : Number(value.seconds);
  return Number.isFinite(seconds) && seconds > 0
    ? new Date(seconds * 1000 + Math.floor((value.nanos ?? 0) / 1e6)).toISOString()
    : null;
}

function slots(info: RawSlots | null | undefined) {
  if (!info) return null;
  const used = info.currentUsedSlots ?? 0;
  return {
    used,
    available: (info.currentAvailableSlots ?? 0) + used,
    processed: info.totalProcessedTasks ?? 0,
    failed: info.totalFailedTasks ?? 0,
  };
}

const percent = (share: number | null | undefined) =>
  typeof share === 'number' && Number.isFinite(share) ? Math.round(share * 1000) / 10 : null;

export function parseWorkerHeartbeat(raw: RawWorkerHeartbeat): TemporalWorkerHeartbeat {
  const status =
    typeof raw.status === 'number'
      ? (STATUS[raw.status] ?? String(raw.status))
      : String(raw.status ?? 'unspecified')
          .replace(/^WORKER_STATUS_/, '')
          .replace(/_/g, ' ')
          .toLowerCase();
  const pid = Number(raw.hostInfo?.processId);
  return {
    instanceKey: raw.workerInstanceKey ?? '',
    identity: raw.workerIdentity ?? '',
    host: raw.hostInfo?.hostName ?? '',
    pid: Number.isInteger(pid) && pid > 0 ? pid : null,
    taskQueue: raw.taskQueue ?? '',
    status,
    sdk: [raw.sdkName, raw.sdkVersion].filter(Boolean).join(' '),
    startedAt: time(raw.startTime),
    heartbeatAt: time(raw.heartbeatTime),
    activitySlots: slots(raw.activityTaskSlotsInfo),
    workflowSlots: slots(raw.workflowTaskSlotsInfo),
    hostCpuPercent: percent(raw.hostInfo?.currentHostCpuUsage),
    hostMemoryPercent: percent(raw.hostInfo?.currentHostMemUsage),
  };
}

/** Temporal's own worker heartbeats (ListWorkers), where the server offers them. */
export async function listTemporalWorkers(services: Services): Promise<TemporalWorkerHeartbeat[]> {
  const response = await services.temporal.workflowService.listWorkers({
    namespace: services.config.temporalNamespace,
    pageSize: PAGE_SIZE,
  });
  return (response.workersInfo ?? [])
    .map((info) => parseWorkerHeartbeat((info.workerHeartbeat ?? {}) as RawWorkerHeartbeat))
    .sort((a, b) => a.taskQueue.localeCompare(b.taskQueue) || a.identity.localeCompare(b.identity));
}
