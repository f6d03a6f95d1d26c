import type { z } from 'zod';
import type { JobEnvelope } from '../../runtime/envelope';
import { startChildJob } from '../../sandbox/children';
import { runJob } from '../../sandbox/shell';
import type { webhookBroadcastInput } from './index';

export type WebhookBroadcastInput = z.output<typeof webhookBroadcastInput>;

export interface WebhookBroadcastResult {
  delivered: number;
  failed: number;
  /** The webhook.deliver jobs, in the order of the URLs: `${this job's id}.deliver-${index}`. */
  jobIds: string[];
}

export async function webhookBroadcast(job: JobEnvelope<WebhookBroadcastInput>) {
  return runJob(
    job,
    async (): Promise<WebhookBroadcastResult> => {
      const { urls, ...delivery } = job.input;
      // Every child starts before any is awaited: the deliveries run side by side.
      const children = await Promise.all(
        urls.map((url, index) =>
          startChildJob(job, { key: `deliver-${index}`, type: 'webhook.deliver', input: { ...delivery, url } }),
        ),
      );
      // One receiver's failure is its own job's to tell: the broadcast counts it and goes on.
      const ends = await Promise.allSettled(children.map((child) => child.result()));
      const delivered = ends.filter((end) => end.status === 'fulfilled').length;
      return { delivered, failed: ends.length - delivered, jobIds: children.map((child) => child.workflowId) };
    },
    (result) => `${result.delivered} of ${result.jobIds.length} delivered`,
  );
}
