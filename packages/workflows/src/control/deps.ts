import type { Client } from '@temporalio/client';
import type { Db, Sql } from '@jobdeck/db';
import type { JobCatalog } from '../runtime/define-job';
import type { EventBus } from '../runtime/events';

/** What acting on jobs needs, in the API and in the worker's bulk-action activity alike. */
export interface ControlDeps {
  db: Db;
  /** Plain SQL, for what Prisma cannot say: searches (control/search). */
  sql: Sql;
  temporal: Client;
  events: EventBus;
  /** Temporal namespace the jobs live in. */
  namespace: string;
  catalog: JobCatalog;
}
