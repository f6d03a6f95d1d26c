import { describe, expect, it } from 'vitest';
import { HISTORY_LENGTH, memoryHistory, SAMPLE_EVERY_MS } from '../../src/insight/machines/history';
import { parsePollers, parseTaskQueueStats } from '../../src/insight/machines/queues';
import { redisFigures } from '../../src/insight/machines/redis';
import { parseWorkerHeartbeat } from '../../src/insight/machines/temporal-workers';
import { workerReportKeys } from '@jobdeck/workflows';
import { parseWorkerReport } from '../../src/insight/machines/workers';

// What `DescribeTaskQueue` (default mode, reportStats) answered on the dev server (CLI 1.9.1, server 1.32)
// for a workflow task queue with three waiting workflows, one at priority 1 and two at the default (3).
const described = {
  pollers: [
    { lastAccessTime: { seconds: '1795977076', nanos: 460005908 }, identity: '6318@vm', ratePerSecond: 100000 },
  ],
  stats: {
    approximateBacklogCount: '3',
    approximateBacklogAge: { seconds: '1', nanos: 516380798 },
    tasksAddRate: 1.98497,
  },
  statsByPriorityKey: {
    '3': {
      approximateBacklogCount: '2',
      approximateBacklogAge: { seconds: '1', nanos: 508881733 },
      tasksAddRate: 1.3255,
    },
    '1': {
      approximateBacklogCount: '1',
      approximateBacklogAge: { seconds: '1', nanos: 516380798 },
      tasksAddRate: 0.6595,
    },
  },
};

describe('task queue stats from Temporal', () => {
  it('reads the backlog, its age and the rates, per priority in priority order', () => {
    expect(parseTaskQueueStats(described)).toEqual({
      backlogCount: 3,
      backlogAgeSeconds: 1.516,
      addRatePerSecond: 1.985,
      dispatchRatePerSecond: 0,
      byPriority: [
        { priority: 1, backlogCount: 1, backlogAgeSeconds: 1.516, addRatePerSecond: 0.66, dispatchRatePerSecond: 0 },
        { priority: 3, backlogCount: 2, backlogAgeSeconds: 1.509, addRatePerSecond: 1.326, dispatchRatePerSecond: 0 },
      ],
    });
  });

  it('reads an idle queue (empty stats, Long values) as zeros', () => {
    expect(parseTaskQueueStats({ stats: { approximateBacklogAge: {} }, statsByPriorityKey: { '3': {} } })).toEqual({
      backlogCount: 0,
      backlogAgeSeconds: 0,
      addRatePerSecond: 0,
      dispatchRatePerSecond: 0,
      byPriority: [
        { priority: 3, backlogCount: 0, backlogAgeSeconds: 0, addRatePerSecond: 0, dispatchRatePerSecond: 0 },
      ],
    });
    expect(parseTaskQueueStats({ stats: { approximateBacklogCount: { toNumber: () => 42 } } }).backlogCount).toBe(42);
    expect(parseTaskQueueStats({}).byPriority).toEqual([]);
  });

  it('lists pollers with their kind and last access time', () => {
    expect(parsePollers(described, 'activity')).toEqual([
      { identity: '6318@vm', kind: 'activity', lastAccessAt: '2026-11-29T18:31:16.460Z', ratePerSecond: 100000 },
    ]);
    expect(parsePollers({ pollers: [{ identity: 'x' }] }, 'workflow')[0]?.lastAccessAt).toBeNull();
  });
});

describe('Redis INFO', () => {
  it('takes memory, ops/s and clients from their sections', () => {
    const info = [
      '# Clients',
      'connected_clients:7',
      '',
      '# Memory',
      'used_memory:1048576',
      'used_memory_human:1.00M',
      '# Stats',
      'instantaneous_ops_per_sec:12',
    ].join('\r\n');
    expect(redisFigures(info)).toEqual({ usedMemoryBytes: 1048576, opsPerSecond: 12, connectedClients: 7 });
    expect(() => redisFigures('# Memory\r\n')).toThrow(/used_memory/);
  });
});

describe('worker reports', () => {
  const report = (at: string) =>
    JSON.stringify({
      id: '12@host',
      host: 'host',
      pid: 12,
      startedAt: '2026-11-29T10:00:00.000Z',
      at,
      intervalMs: 5_000,
      queues: [{ name: 'sync', slotsUsed: 1, slotsAvailable: 4 }],
      cpuPercent: 3.5,
      rssBytes: 100,
      heapUsedBytes: 50,
      eventLoopDelayMs: { p50: 10.1, p99: 12 },
      jobsDone: 4,
      activitiesDone: 5,
    });
  const sample = (at: string, cpuPercent: number) =>
    JSON.stringify({ at, cpuPercent, rssBytes: 100, eventLoopP99Ms: 12, slotsUsed: 1 });
  const now = Date.parse('2026-11-29T10:01:00.000Z');

  it('are fresh until three reports are missed, and answer their history oldest first', () => {
    const history = [sample('2026-11-29T10:00:50.000Z', 2), sample('2026-11-29T10:00:45.000Z', 1), 'garbage'];
    const fresh = parseWorkerReport(report('2026-11-29T10:00:50.000Z'), history, now);
    expect(fresh).toMatchObject({ id: '12@host', stale: false, lastSeenAt: '2026-11-29T10:00:50.000Z', jobsDone: 4 });
    expect(fresh?.history.map((point) => point.cpuPercent)).toEqual([1, 2]);
    expect(parseWorkerReport(report('2026-11-29T10:00:44.000Z'), [], now)?.stale).toBe(true);
  });

  it('skip a missing or unreadable report', () => {
    expect(parseWorkerReport(null, [], now)).toBeNull();
    expect(parseWorkerReport('{"id":1}', [], now)).toBeNull();
    expect(parseWorkerReport('not json', [], now)).toBeNull();
  });

  it('live under the install prefix', () => {
    expect(workerReportKeys('jd:', '12@host')).toEqual({
      index: 'jd:machines:workers',
      report: 'jd:machines:worker:12@host',
      history: 'jd:machines:worker:12@host:history',
    });
  });
});

describe('history in memory', () => {
  it('keeps one sample per time slot and at most HISTORY_LENGTH', async () => {
    const history = memoryHistory();
    const start = 1_000 * SAMPLE_EVERY_MS;
    await history.record('redis', start, { n: 0 });
    await history.record('redis', start + 1, { n: 'same slot' });
    for (let i = 1; i <= HISTORY_LENGTH + 5; i++) await history.record('redis', start + i * SAMPLE_EVERY_MS, { n: i });
    const { redis, postgres } = await history.read(['redis', 'postgres']);
    expect(redis).toHaveLength(HISTORY_LENGTH);
    expect(redis.at(-1)).toEqual({ n: HISTORY_LENGTH + 5 });
    expect(redis[0]).toEqual({ n: 6 });
    expect(postgres).toEqual([]);
  });
});

describe("Temporal's worker heartbeats", () => {
  it('read what ListWorkers gives (as the dev server answered it)', () => {
    expect(
      parseWorkerHeartbeat({
        workerInstanceKey: 'f27c6ee6',
        workerIdentity: '6318@vm',
        hostInfo: { hostName: 'vm', processId: '6318', currentHostCpuUsage: 0.0176, currentHostMemUsage: 0.0138 },
        taskQueue: 'probe-w',
        status: 1,
        sdkName: 'temporal-typescript',
        sdkVersion: '1.24.0',
        startTime: { seconds: '1795977076', nanos: 453644647 },
        heartbeatTime: { seconds: '1795977078', nanos: 435753655 },
        workflowTaskSlotsInfo: { slotSupplierKind: 'Fixed' } as never,
        activityTaskSlotsInfo: { currentAvailableSlots: 7, currentUsedSlots: 2, totalProcessedTasks: 9 },
      }),
    ).toEqual({
      instanceKey: 'f27c6ee6',
      identity: '6318@vm',
      host: 'vm',
      pid: 6318,
      taskQueue: 'probe-w',
      status: 'running',
      sdk: 'temporal-typescript 1.24.0',
      startedAt: '2026-11-29T18:31:16.453Z',
      heartbeatAt: '2026-11-29T18:31:18.435Z',
      activitySlots: { used: 2, available: 9, processed: 9, failed: 0 },
      workflowSlots: { used: 0, available: 0, processed: 0, failed: 0 },
      hostCpuPercent: 1.8,
      hostMemoryPercent: 1.4,
    });
    expect(parseWorkerHeartbeat({ status: 'WORKER_STATUS_SHUTTING_DOWN' }).status).toBe('shutting down');
  });
});
