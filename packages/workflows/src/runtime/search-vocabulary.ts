// The words of search and export, shared by the API, the worker and the dashboard (no imports).

/** What jobs.search sorts by; `priority` descending is the most urgent first. */
export const SEARCH_SORTS = [
  'created',
  'started',
  'finished',
  'runTime',
  'waitTime',
  'attempts',
  'priority',
  'type',
] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

export const EXPORT_FORMATS = ['csv', 'json', 'ndjson', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The record's fields an export may hold, in this order; the input and logs are asked for apart. */
export const EXPORT_FIELDS = [
  'id',
  'type',
  'queue',
  'state',
  'priority',
  'attempts',
  'maxAttempts',
  'progressPercent',
  'requestedBy',
  'scheduleId',
  'templateId',
  'retryOf',
  'retriedAs',
  'createdAt',
  'runAt',
  'startedAt',
  'finishedAt',
  'runMs',
  'waitMs',
  'resultSummary',
  'errorType',
  'error',
] as const;
export type ExportField = (typeof EXPORT_FIELDS)[number];

/** Exports up to this many rows stream straight to the caller; larger ones run as a jobs.export job. */
export const DIRECT_EXPORT_LIMIT = 10_000;
