import { ApplicationFailure } from '@temporalio/common';
import nodemailer from 'nodemailer';
import type { OutboundRefusedError } from '../../outbound/errors';
import { redactText } from '../../runtime/redact';
import type { ChannelSender } from './activities';
import { emailMessage } from './email-message';
import { policySmtpSocket } from './smtp-socket';

/** What nodemailer's errors carry besides the message. */
interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

const MISSING_SMTP_URL =
  'SMTP_URL is not set on the worker: email channels cannot send. Set SMTP_URL=smtp://user:pass@host:587 ' +
  '(or smtps://…:465), restart the worker and retry this job';

/**
 * An email channel: one message to every address of the channel, through SMTP_URL's server. The
 * connection goes through the outbound policy (policySmtpSocket). A 5xx answer is final (the server
 * refuses this mail: retrying sends nothing); 4xx answers and network failures are retried.
 */
export const sendEmail: ChannelSender<'email'> = async (deps, job, config, target) => {
  const { smtpUrl, mailFrom } = deps.alerting;
  if (!smtpUrl) {
    await job.log('error', MISSING_SMTP_URL);
    throw ApplicationFailure.nonRetryable(MISSING_SMTP_URL, 'ConfigurationError');
  }
  // The URL carries the server's credentials: only its host is ever logged.
  const server = `${new URL(smtpUrl).hostname}:${new URL(smtpUrl).port || (smtpUrl.startsWith('smtps:') ? 465 : 587)}`;
  let refusal: OutboundRefusedError | undefined;
  // nodemailer would connect through a `?proxy=` of the URL with its own socket, past the policy.
  const connectUrl = new URL(smtpUrl);
  connectUrl.searchParams.delete('proxy');
  const transport = nodemailer.createTransport({
    url: connectUrl.href,
    getSocket: policySmtpSocket(deps.outbound.policy, (refused) => (refusal = refused)) as never,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  const started = Date.now();
  try {
    const info = await transport.sendMail({
      from: mailFrom,
      to: config.to,
      ...emailMessage(target),
      headers: { 'X-Jobdeck-Notification': target.notificationId },
    });
    const durationMs = Date.now() - started;
    const accepted = (info.accepted ?? []).map(String);
    const rejected = (info.rejected ?? []).map(String);
    if (rejected.length)
      await job.log('warn', `${server} refused ${rejected.length} of ${config.to.length} recipients`, { rejected });
    return {
      outcome: 'delivered',
      channelKind: 'email',
      durationMs,
      accepted,
      rejected,
      summary: `email via ${server}: ${accepted.length} of ${config.to.length} recipients accepted in ${durationMs} ms`,
    };
  } catch (caught) {
    if (job.signal.aborted) throw caught;
    const error = caught as SmtpError;
    if (refusal) {
      await job.log('error', refusal.message, { rule: refusal.rule });
      throw ApplicationFailure.nonRetryable(refusal.message, 'OutboundRefused');
    }
    const reason = redactText(oneLineOf(error.message)).slice(0, 500);
    if (error.responseCode && error.responseCode >= 500) {
      const message = `${server} refused the mail (${error.responseCode}): ${reason}`;
      await job.log('error', message, { code: error.code });
      throw ApplicationFailure.create({
        message,
        type: 'SmtpRejected',
        nonRetryable: true,
        details: [{ responseCode: error.responseCode }],
      });
    }
    const message = error.responseCode
      ? `${server} deferred the mail (${error.responseCode}): ${reason}`
      : `${server} unreachable: ${reason}`;
    await job.log('warn', `attempt ${job.attempt}: ${message}`, { code: error.code });
    throw ApplicationFailure.retryable(message, error.responseCode ? 'SmtpDeferred' : 'SmtpUnreachable');
  } finally {
    transport.close();
  }
};

function oneLineOf(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
