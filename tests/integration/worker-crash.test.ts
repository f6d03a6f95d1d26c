import { readFile } from 'node:fs/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import { clientAs, eventually, spawnWorker, waitForPoller, waitForState } from '../support/harness';

// A private queue, so that only the worker this test kills can have picked the job up.
const QUEUE = 'sync-chaos';
let operator: JobdeckClient;
const workers: ReturnType<typeof spawnWorker>[] = [];

beforeAll(async () => {
  ({ client: operator } = await clientAs('operator'));
});

afterEach(() => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
});

/** A worker of its own on the private queue, once it polls. */
async function startWorker() {
  const worker = spawnWorker(`${QUEUE}:1`);
  workers.push(worker);
  await waitForPoller(QUEUE, worker);
  return worker;
}

/** A data.sync on the private queue, slow enough to stop mid-way: batches of 10 records, 200 ms apart. */
const slowSync = (source: string, records: number) =>
  operator.jobs.enqueue.mutate({
    type: 'data.sync',
    input: { source, records, batchSize: 10, throttleMs: 200 },
    options: { queue: QUEUE },
  });

/** The job once it has done `batches` batches at least. */
const batchesDone = (what: string, id: string, batches: number) =>
  eventually(what, async () => {
    const job = await operator.jobs.get.query({ id });
    return job.progress && job.progress.stepsDone >= batches ? job : undefined;
  });

describe('a worker killed mid-job', () => {
  it('resumes data.sync from its heartbeated checkpoint on another worker, and the job completes once', async () => {
    const first = await startWorker();

    const { id } = await slowSync('it.crash', 300);
    const before = await batchesDone('a few batches done', id, 5);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const progressAtKill = before.progress!.stepsDone * 10;

    // Nothing runs it while no worker is left: Temporal notices the missed heartbeats and schedules a retry.
    const second = await startWorker();

    const done = await waitForState(operator, id, ['completed'], 90_000);
    const result = done.result as { output: string; resumedFrom: number | null; records: number };
    expect(done.attempts).toBe(2);
    // Resumed mid-way: from the last checkpoint Temporal received, which heartbeat throttling (at most
    // 2 s, see the worker) may leave a few batches behind the progress the dashboard showed.
    expect(result.resumedFrom).toBeGreaterThan(0);
    expect(result.resumedFrom! % 10).toBe(0);
    expect(result.resumedFrom).toBeLessThan(300);
    expect(progressAtKill).toBeGreaterThanOrEqual(50);
    expect(done.logs.map((log) => log.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`attempt 2: resuming from checkpoint at record ${result.resumedFrom} of 300`)),
      ]),
    );
    const lines = (await readFile(result.output, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).index as number);
    expect(lines).toHaveLength(300);
    expect(lines).toEqual([...Array(300).keys()]);
    expect(done.temporal?.status).toBe('COMPLETED');
    second.kill('SIGTERM');
  });

  it('on SIGTERM stops taking work, hands the running activity back, and another worker finishes the job', async () => {
    const first = await startWorker();
    const { id } = await slowSync('it.sigterm', 400);
    await batchesDone('the job to be under way', id, 3);
    const exited = new Promise<number | null>((resolve) => first.once('exit', (code) => resolve(code)));
    const stoppedAt = Date.now();
    first.kill('SIGTERM');
    // The test stack gives in-flight activities 5 s (JOBDECK_SHUTDOWN_GRACE_MS) before handing them back.
    expect(await exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(20_000);

    const second = await startWorker();
    const done = await waitForState(operator, id, ['completed'], 90_000);
    const result = done.result as { output: string; resumedFrom: number | null };
    expect(result.resumedFrom).toBeGreaterThan(0);
    const lines = (await readFile(result.output, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(400);
    second.kill('SIGTERM');
  });
});
