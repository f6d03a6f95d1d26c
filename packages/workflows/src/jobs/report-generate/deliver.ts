import { ApplicationFailure } from '@temporalio/common';
import type { ActivityDeps } from '../../runtime/activity-deps';
import { jobContext } from '../../runtime/job-context';
import { signedUrl } from '../../outbound/signature';
import { signingSecret } from '../../outbound/signing-secrets';
import { postDelivery, signatureHeaders, type PostResult } from '../webhook-deliver/post';
import type { ReportFile, ReportGenerateInput, ReportRow } from './activities';

export interface ReportDeliveryRequest {
  title: string;
  deliverTo: NonNullable<ReportGenerateInput['deliverTo']>;
  rows: ReportRow[];
  file: ReportFile;
}

export type ReportDelivery = Pick<PostResult, 'status' | 'durationMs'>;

/** How long the receiver has to answer one delivery attempt. */
const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * The report's third step: its rows POSTed as JSON, signed exactly as webhook.deliver signs (the same
 * headers, the job id as delivery id, so a receiver verifies and dedupes both alike), through the
 * outbound policy. Retried as the job's attempts allow; 4xx other than 408/425/429 and redirects give up.
 */
export function reportDeliveryActivities(deps: ActivityDeps) {
  return {
    async deliverReport(request: ReportDeliveryRequest): Promise<ReportDelivery> {
      const job = jobContext(deps);
      const key = signingSecret(deps.webhookSecrets, request.deliverTo.secretName);
      if ('problem' in key) {
        await job.log('error', key.problem);
        throw ApplicationFailure.nonRetryable(key.problem, 'ConfigurationError');
      }
      const url = signedUrl(request.deliverTo.url);
      const host = new URL(url).host;
      const body = JSON.stringify({
        event: 'report.generated',
        jobId: job.jobId,
        title: request.title,
        rows: request.rows,
        file: { rows: request.file.rows, bytes: request.file.bytes },
      });
      await job.progress({ percent: 90, step: 'deliver', message: `POST ${host} (attempt ${job.attempt})` });
      const result = await postDelivery(deps, job, {
        url,
        headers: {
          'User-Agent': 'Jobdeck-Webhooks/1.0',
          ...signatureHeaders(key.secret, { url, body, deliveryId: job.jobId, attempt: job.attempt }),
        },
        body,
        timeoutMs: DELIVERY_TIMEOUT_MS,
      });
      await job.progress({ percent: 100, step: 'delivered', message: `${result.status} in ${result.durationMs} ms` });
      await job.log('info', `delivered "${request.title}" to ${host}: ${result.status} in ${result.durationMs} ms`);
      return { status: result.status, durationMs: result.durationMs };
    },
  };
}
