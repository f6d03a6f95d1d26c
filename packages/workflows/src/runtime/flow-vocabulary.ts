/** The words of flows (issue 13), for every layer: a flow is a job of this type, its nodes its children. */
export const FLOW_JOB_TYPE = 'flow.run';
