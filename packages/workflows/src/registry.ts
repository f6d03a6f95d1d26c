// The job catalogue: one line per job type. See "Adding a job type" in the README.
export { default as reportGenerate } from './jobs/report-generate';
export { default as webhookDeliver } from './jobs/webhook-deliver';
export { default as dataSync } from './jobs/data-sync';
export { default as maintenanceCleanup } from './jobs/maintenance-cleanup';
export { default as maintenanceStuckCheck } from './jobs/maintenance-stuck-check';
export { default as maintenanceReconcile } from './jobs/maintenance-reconcile';
export { default as bulkAction } from './jobs/bulk-action';
export { default as jobsExport } from './jobs/jobs-export';
export { default as alertsEvaluate } from './jobs/alerts-evaluate';
export { default as alertsNotify } from './jobs/alerts-notify';
export { default as flowRun } from './jobs/flow-run';
export { default as webhookBroadcast } from './jobs/webhook-broadcast';
