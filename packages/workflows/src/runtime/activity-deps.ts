import type { Client } from '@temporalio/client';
import type { Db, Sql } from '@jobdeck/db';
import type { JobCatalog } from './define-job';
import type { EventBus } from './events';
import type { JobRecorder } from './records/recorder';
import type { OutboundClient } from '../outbound/request';
import type { WebhookSecrets } from '../outbound/signing-secrets';
import type { EncryptionKeys } from '../codec/keys';

/** What the worker hands every job's activities: created once per worker process. */
export interface ActivityDeps {
  db: Db;
  /** Plain SQL, for searches (bulk actions and exports select jobs by a search). */
  sql: Sql;
  events: EventBus;
  /** Every write to job records goes through it: ordered per job, kept while Postgres is away. */
  records: JobRecorder;
  /** Folder for files jobs produce (reports, sync output). */
  storageDir: string;
  /** For activities that act on other jobs (bulk actions). */
  temporal: Client;
  namespace: string;
  /** The registered job types (added by createActivities). */
  catalog: JobCatalog;
  /** The one way out to other hosts: every outbound request goes through its policy (JOBDECK_OUTBOUND_ALLOW). */
  outbound: OutboundClient;
  /** Signing keys of webhook deliveries, from the worker's environment only (never job input or history). */
  webhookSecrets: WebhookSecrets;
  /** What alert evaluation and delivery need besides (issue 12). */
  alerting: AlertingDeps;
}

export interface AlertingDeps {
  /** The dashboard's address, for links in alert messages; null when JOBDECK_DASHBOARD_URL is not set. */
  dashboardUrl: string | null;
  /** The payload codec's keys: they also seal the secret fields of alert channels at rest. */
  encryptionKeys: EncryptionKeys;
  /** For the Redis health rule (null: Jobdeck runs without Redis). */
  redisUrl: string | null;
  /** JOBDECK_REDIS_PREFIX: the keys of what evaluators remember between evaluations (last poller seen, missed-run counts). */
  redisPrefix: string;
  /** SMTP_URL: smtp(s)://user:pass@host:port; null: email channels fail their deliveries, saying so. */
  smtpUrl: string | null;
  /** The From of alert emails (JOBDECK_MAIL_FROM). */
  mailFrom: string;
}
