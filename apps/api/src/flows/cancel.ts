// flows.cancel: the flow's workflow is cancelled as any job's is (the shared cancelJob); the engine
// then cancels its running nodes, and the pending ones never start.
import { cancelJob } from '@jobdeck/workflows/control';
import type { Principal } from '../auth/tokens';
import type { Services } from '../services';
import { flowRecord } from './get';

export async function cancelFlow(services: Services, principal: Principal, id: string, reason?: string) {
  // A 404 for an id that is not a flow: flows.cancel does not cancel other jobs.
  await flowRecord(services, id);
  return cancelJob(services, id, { name: principal.name, role: principal.role }, reason);
}
