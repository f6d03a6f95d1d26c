// Runs inside Temporal's deterministic workflow sandbox, and in the API (which queries and updates flows).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { FlowSnapshot, RetryNodeRequest, RetryNodeResult } from '../../flows/snapshot';

/** `temporal workflow query --type jobdeck.flow`: the flow's status and every node's state and jobs. */
export const flowQuery = defineQuery<FlowSnapshot>('jobdeck.flow');

/**
 * Runs a failed node again (a fan-out's failed and cancelled items only); answers the ids of the jobs it
 * started. Its validator refuses, before anything is written to the history, a node that is not failed.
 */
export const retryNodeUpdate = defineUpdate<RetryNodeResult, [RetryNodeRequest]>('jobdeck.flow.retryNode');
