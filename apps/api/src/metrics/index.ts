export { apiMetrics, type ApiMetrics } from './registry';
export { countCall, countUnroutedCall } from './requests';
export { createMetricsServer, serveMetrics } from './http';
