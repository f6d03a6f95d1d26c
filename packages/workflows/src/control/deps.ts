import type { Client } from '@temporalio/client';
import type { Db } from '@jobdeck/db';
import type { JobCatalog } from '../runtime/define-job';
import type { EventBus } from '../runtime/events';

/** What acting on jobs needs, in the API and in the worker's bulk-action activity alike. */
export interface ControlDeps {
  db: Db;
  temporal: Client;
  events: EventBus;
  /** Temporal namespace the jobs live in. */
  namespace: string;
  catalog: JobCatalog;
}

/** An expected refusal, with the HTTP-ish code the API answers with. */
export class ControlError extends Error {
  constructor(
    readonly code:
      'BAD_REQUEST' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'PRECONDITION_FAILED' | 'SERVICE_UNAVAILABLE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ControlError';
  }
}
