export { jobTypes, findJobType, defaultQueues, queueConcurrency } from './catalog';
export {
  defineJob,
  workflowTypeFor,
  builtInScheduleId,
  MAX_CONCURRENCY,
  type BuiltInSchedule,
  type JobBuiltInSchedule,
  type JobType,
  type JobTypeOptions,
  type JobTimeouts,
  type JobCatalog,
} from './runtime/define-job';
export {
  CRON_MACROS,
  cronError,
  formatDuration,
  isTimeZone,
  OVERLAP_POLICIES,
  parseDuration,
  type OverlapPolicy,
} from './runtime/schedule-grammar';
export type { JobEnvelope, RetrySettings } from './runtime/envelope';
export type { ActivityDeps } from './runtime/activity-deps';
export {
  createEventBus,
  endLifecycle,
  JOB_LIFECYCLES,
  type JobLifecycle,
  type BusEvent,
  type EventBus,
  type JobEvent,
  type JobProgress,
  type SystemEvent,
} from './runtime/events';
export { jobContext, type JobContext } from './runtime/job-context';
export { withTimeLimit } from './runtime/time-limit';
export { redactSecrets, redactText, keepRedactedSecrets, isSecretKey, REDACTED } from './runtime/redact';
export { searchableInput, SEARCHABLE_INPUT_CHARS } from './runtime/search-text';
export {
  findUnstorable,
  toStorable,
  recordableText,
  MAX_INPUT_DEPTH,
  type UnstorableProblem,
} from './runtime/storable';
export {
  JobTypeKey,
  JobStateKey,
  JobPriorityKey,
  RequestedByKey,
  SEARCH_ATTRIBUTES,
} from './runtime/search-attributes';
export * from './runtime/states';
export { FLOW_JOB_TYPE } from './runtime/flow-vocabulary';
export { ROLLUP_RETENTION_MS, type RollupGrain } from './runtime/rollups';
export {
  workerReportKeys,
  workerReportSchema,
  workerSampleSchema,
  WORKER_HISTORY_LENGTH,
  type QueueSlots,
  type WorkerReport,
  type WorkerSample,
} from './runtime/worker-reports';
export { ROLES, ROLE_RANK, hasRole, type Role, type Actor } from './runtime/roles';
export { attemptSignal, stateQuery, type AttemptUpdate, type JobSnapshot } from './sandbox/signals';
export type { JobOutcome, JobRecordSinks } from './runtime/records/sinks';
export { createJobRecorder, type JobRecorder, type AttemptFailure, type JobScope } from './runtime/records/recorder';
