// The Node side of tracing in the worker and the API: Temporal's interceptors and the workflow span sink.
import { fileURLToPath } from 'node:url';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { WorkflowInfo } from '@temporalio/workflow';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker';
import { TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry/lib/workflow/definitions';
import { tracingActive, type Tracing } from './start';

/**
 * The bundle's workflow interceptor module (give it to bundleWorkflowCode's workflowInterceptorModules).
 * Always bundled, so that one prebuilt bundle serves workers with tracing on and off.
 */
export const TRACING_WORKFLOW_INTERCEPTORS = fileURLToPath(new URL('./workflow-interceptors.ts', import.meta.url));

/**
 * Starts, signals, cancels… of this client carry the active span's context to the workflow in its
 * headers (when this process traces: call it after startTracing).
 */
export function tracingClientInterceptors(): WorkflowClientInterceptor[] {
  return tracingActive() ? [new OpenTelemetryWorkflowClientInterceptor()] : [];
}

/**
 * A span per activity attempt, child of the workflow's StartActivity span; only for the activities of
 * traced runs (as the workflow interceptors): a job started untraced (a schedule's) leaves no spans.
 */
export function tracingActivityInterceptors(tracing: Tracing | null): ActivityInterceptorsFactory[] {
  if (!tracing) return [];
  return [
    (ctx) => {
      const traced = new OpenTelemetryActivityInboundInterceptor(ctx);
      return {
        inbound: {
          execute: (input, next) =>
            input.headers[TRACE_HEADER] === undefined ? next(input) : traced.execute(input, next),
        },
      };
    },
  ];
}

/**
 * Where the sandbox's spans leave it. Registered with tracing off too (then it drops them): a run
 * started traced by the API may reach a worker that does not trace, and an unregistered sink is an
 * error line per call.
 */
export function tracingSinks(tracing: Tracing | null): InjectedSinks<OpenTelemetrySinks> {
  if (!tracing) return { exporter: { export: { fn: () => {}, callDuringReplay: false } } };
  const exporter = makeWorkflowExporter(tracing.spanProcessor, tracing.resource).export;
  // Temporal's sink copies the whole WorkflowInfo onto every span (memo, search attributes, last
  // failure…): only the run's identity is given to it, so nothing of a job's data reaches the collector.
  return {
    exporter: {
      export: {
        ...exporter,
        fn: (info, spans) =>
          exporter.fn(
            {
              workflowId: info.workflowId,
              runId: info.runId,
              workflowType: info.workflowType,
              taskQueue: info.taskQueue,
              namespace: info.namespace,
              attempt: info.attempt,
            } as WorkflowInfo,
            spans,
          ),
      },
    },
  };
}
