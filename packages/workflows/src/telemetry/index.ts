// Node-side only: the workflow sandbox loads ./workflow-interceptors.ts (TRACING_WORKFLOW_INTERCEPTORS) instead.
export { tracingConfig, tracingSettings, type TracingConfig } from './settings';
export { inSpan, startTracing, tracingActive, type Tracing } from './start';
export {
  TRACING_WORKFLOW_INTERCEPTORS,
  tracingActivityInterceptors,
  tracingClientInterceptors,
  tracingSinks,
} from './worker';
