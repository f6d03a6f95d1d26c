import { defineJob } from '../../runtime/define-job';
import { FLOW_JOB_TYPE } from '../../runtime/flow-vocabulary';
import { flowDefinition } from '../../flows/definition';

/**
 * A flow: jobs that depend on jobs, each node an ordinary job started as a child (see "Flows" in the
 * README). flows.start checks a definition against the job types before it starts (checkFlowNodes);
 * each node's job is checked again when it starts (prepareChildJob), references resolved.
 */
export default defineJob(import.meta.url, {
  type: FLOW_JOB_TYPE,
  description:
    'Runs a flow: a graph of jobs, each started when its parents completed, with fan-out, references to parent results, ' +
    'a failure policy and retries of failed nodes.',
  queue: 'flows',
  // Its only activities are prepareChildJob (checking and building each child's start): light, and many at a fan-out.
  concurrency: 50,
  input: flowDefinition,
  example: {
    name: 'Sync, then report',
    nodes: [
      { key: 'sync', type: 'data.sync', input: { source: 'crm.contacts', records: 500 } },
      { key: 'report', type: 'report.generate', input: { title: 'After {{ sync.id }}', periodHours: 24 } },
    ],
    edges: [{ from: 'sync', to: 'report' }],
  },
  // The flow itself is never retried as a whole: a failed node is retried (flows.retryNode), not the flow.
  retry: { maxAttempts: 1, initialIntervalMs: 1_000, backoffCoefficient: 2, maximumIntervalMs: 60_000 },
  nonRetryableErrors: ['InvalidChildJob', 'FlowNodeFailed'],
  timeouts: { activityStartToCloseMs: 30_000 },
  // A flow does nothing of its own: its nodes have no activities in this folder.
  activities: () => ({}),
});
