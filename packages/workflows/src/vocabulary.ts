/**
 * Jobdeck's words, defined once: the job states, priorities, roles and the queue-name rule. This
 * module imports nothing from Node, Temporal or zod, so the dashboard, the API, the worker and the
 * workflow sandbox all import it.
 */
export * from './runtime/states';
export * from './runtime/roles';
export * from './runtime/search-vocabulary';
export * from './runtime/alert-vocabulary';
export * from './runtime/flow-vocabulary';
