import type { Services } from '../services';
import { apiMetrics } from './registry';

/**
 * One tRPC call answered, by a procedure that exists: the timing middleware (trpc.ts) is only reached
 * through a known path, so the label's values are the router's procedure names and nothing else.
 */
export function countCall(services: Services, procedure: string, code: string, seconds: number): void {
  const metrics = apiMetrics(services);
  metrics.requests.inc({ procedure, code });
  metrics.requestDuration.observe({ procedure }, seconds);
}

/**
 * A path no procedure has, counted under "unknown": a caller making paths up must not be able to
 * create label values (each is a new time series in Prometheus).
 */
export function countUnroutedCall(services: Services): void {
  apiMetrics(services).requests.inc({ procedure: 'unknown', code: 'NOT_FOUND' });
}
