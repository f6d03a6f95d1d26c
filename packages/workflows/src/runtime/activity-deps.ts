import type { Client } from '@temporalio/client';
import type { Db } from '@jobdeck/db';
import type { EventBus } from './events';

/** What the worker hands every job's activities: created once per worker process. */
export interface ActivityDeps {
  db: Db;
  events: EventBus;
  /** Folder for files jobs produce (reports, sync output). */
  storageDir: string;
  /** For activities that act on other jobs (bulk actions). */
  temporal: Client;
  namespace: string;
}
