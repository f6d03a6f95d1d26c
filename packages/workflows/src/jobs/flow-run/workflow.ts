import type { FlowDefinition } from '../../flows/definition';
import type { JobEnvelope } from '../../runtime/envelope';
import { runFlow } from '../../sandbox/flow/engine';
import { runJob } from '../../sandbox/shell';

/** A flow is an ordinary job (a record, lists, cancel) whose work is starting and following its nodes' jobs. */
export async function flowRun(job: JobEnvelope<FlowDefinition>) {
  let summary = '';
  return runJob(
    job,
    () => runFlow(job, (line) => (summary = line)),
    () => summary,
  );
}
