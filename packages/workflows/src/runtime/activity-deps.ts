import type { Client } from '@temporalio/client';
import type { Db, Sql } from '@jobdeck/db';
import type { JobCatalog } from './define-job';
import type { EventBus } from './events';
import type { JobRecorder } from './records/recorder';
import type { OutboundClient } from '../outbound/request';
import type { WebhookSecrets } from '../outbound/signing-secrets';

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
}
