export * from './steps';
export * from './rerun-from-step';
export * from './rerun-last-step';
export * from './retry-activity-now';
export * from './start-like';
export * from './job-steps';
