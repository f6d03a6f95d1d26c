import { createHash } from 'node:crypto';
import { mkdir, open, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import type { ActivityDeps } from '../../runtime/activity-deps';
import { jobContext } from '../../runtime/job-context';
import type { dataSyncInput } from './index';

export type DataSyncInput = z.output<typeof dataSyncInput>;

/** Heartbeated after every batch: how far the output is known to be complete. */
export interface SyncCheckpoint {
  nextRecord: number;
  bytesWritten: number;
}

export interface DataSyncResult {
  records: number;
  batches: number;
  output: string;
  /** Record the last attempt resumed from; null when it ran from the start. */
  resumedFrom: number | null;
}

/** The source is simulated: record i of a source is always the same, so a sync can be verified. */
export function sourceRecord(source: string, index: number) {
  const checksum = createHash('sha1').update(`${source}:${index}`).digest('hex').slice(0, 12);
  return { id: `${source}-${index}`, index, checksum };
}

export function dataSyncActivities(deps: ActivityDeps) {
  return {
    async syncRecords(input: DataSyncInput): Promise<DataSyncResult> {
      const job = jobContext(deps);
      const dir = join(deps.storageDir, 'sync');
      await mkdir(dir, { recursive: true });
      const output = join(dir, `${job.jobId}.jsonl`);

      const checkpoint = job.lastCheckpoint<SyncCheckpoint>();
      let { nextRecord, bytesWritten } = checkpoint ?? { nextRecord: 0, bytesWritten: 0 };
      if (checkpoint) {
        // Whatever the dead attempt wrote after its last checkpoint is discarded, so no record is written twice.
        const size = await stat(output).then(
          (s) => s.size,
          () => 0,
        );
        if (size < bytesWritten)
          throw new Error(`output ${output} is shorter than its checkpoint (${size} < ${bytesWritten})`);
        await truncate(output, bytesWritten);
        await job.log(
          'info',
          `attempt ${job.attempt}: resuming from checkpoint at record ${nextRecord} of ${input.records}`,
        );
      } else {
        await truncate(output, 0).catch(() => undefined);
        await job.log('info', `syncing ${input.records} records from ${input.source} in batches of ${input.batchSize}`);
      }

      const totalBatches = Math.ceil(input.records / input.batchSize);
      const file = await open(output, 'a');
      try {
        while (nextRecord < input.records) {
          job.signal.throwIfAborted();
          const end = Math.min(nextRecord + input.batchSize, input.records);
          let chunk = '';
          for (let index = nextRecord; index < end; index++)
            chunk += `${JSON.stringify(sourceRecord(input.source, index))}\n`;
          await file.write(chunk);
          await file.datasync();
          bytesWritten += Buffer.byteLength(chunk);
          nextRecord = end;
          const batchesDone = Math.ceil(nextRecord / input.batchSize);
          await job.progress(
            {
              percent: (nextRecord / input.records) * 100,
              step: 'copying',
              stepsDone: batchesDone,
              stepsTotal: totalBatches,
              message: `${nextRecord} of ${input.records} records`,
            },
            { nextRecord, bytesWritten } satisfies SyncCheckpoint,
          );
          if (input.throttleMs > 0 && nextRecord < input.records)
            await sleep(input.throttleMs, undefined, { signal: job.signal });
        }
      } catch (error) {
        if (job.signal.aborted) {
          // Cancelled (or the worker is stopping): what is written up to the last batch stays, and is checkpointed.
          await job.log(
            'warn',
            `stopped at record ${nextRecord} of ${input.records}: ${String(job.signal.reason ?? 'cancelled')}`,
          );
        }
        throw error;
      } finally {
        await file.close();
      }
      return {
        records: input.records,
        batches: totalBatches,
        output,
        resumedFrom: checkpoint ? checkpoint.nextRecord : null,
      };
    },
  };
}
