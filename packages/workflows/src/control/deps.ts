import type { Client } from '@temporalio/client';
import type { Db } from '@jobdeck/db';
import type { EventBus } from '../runtime/events';

/** What acting on jobs needs, in the API and in the worker's bulk-action activity alike. */
export interface ControlDeps {
  db: Db;
  temporal: Client;
  events: EventBus;
  /** Temporal namespace the jobs live in. */
  namespace: string;
}

/** An expected refusal, with the HTTP-ish code the API answers with. */
export class ControlError extends Error {
  constructor(
    readonly code: 'BAD_REQUEST' | 'NOT_FOUND' | 'CONFLICT' | 'PRECONDITION_FAILED' | 'SERVICE_UNAVAILABLE',
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}
