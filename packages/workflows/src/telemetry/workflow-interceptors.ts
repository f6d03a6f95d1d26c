// Runs in the workflow sandbox (a bundle's interceptor module): imports nothing that touches Node.
import type * as TemporalOtel from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type { WorkflowInterceptors } from '@temporalio/workflow';

/** Where Temporal's OpenTelemetry interceptors carry the trace context (their TRACE_HEADER). */
const TRACE_HEADER = '_tracer-data';

type Method = (input: unknown, next: (input: unknown) => unknown) => unknown;
type Interceptor = Record<string, unknown>;

/** Temporal's interceptors for one traced run. */
interface Traced {
  inbound: Interceptor;
  outbound: Interceptor;
  internals: Interceptor;
}

/**
 * Every run evaluates its interceptor modules afresh (the sandbox keeps modules per run): OpenTelemetry
 * is loaded, and its tracer made, only for a run that is traced. Webpack bundles this `require` and
 * evaluates it when called.
 */
function tracedInterceptors(): Traced {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const otel = require('@temporalio/interceptors-opentelemetry/lib/workflow') as typeof TemporalOtel;
  return {
    inbound: new otel.OpenTelemetryInboundInterceptor() as unknown as Interceptor,
    outbound: new otel.OpenTelemetryOutboundInterceptor() as unknown as Interceptor,
    internals: new otel.OpenTelemetryInternalsInterceptor() as unknown as Interceptor,
  };
}

/** The interceptor methods Temporal's classes implement, each calling on when the run is not traced. */
function whenTraced(methods: readonly string[], interceptor: () => Interceptor | null): Record<string, Method> {
  return Object.fromEntries(
    methods.map((name): [string, Method] => [
      name,
      (input, next) => {
        const method = interceptor()?.[name] as Method | undefined;
        return method ? method.call(interceptor(), input, next) : next(input);
      },
    ]),
  );
}

const INBOUND = [
  'handleSignal',
  'handleUpdate',
  'validateUpdate',
  'handleQuery',
] as const satisfies readonly (keyof TemporalOtel.OpenTelemetryInboundInterceptor)[];
const OUTBOUND = [
  'scheduleActivity',
  'scheduleLocalActivity',
  'startNexusOperation',
  'startChildWorkflowExecution',
  'continueAsNew',
  'signalWorkflow',
  'getLogAttributes',
  'getMetricTags',
] as const satisfies readonly (keyof TemporalOtel.OpenTelemetryOutboundInterceptor)[];
const INTERNALS = ['dispose'] as const satisfies readonly (keyof TemporalOtel.OpenTelemetryInternalsInterceptor)[];

/**
 * Temporal's OpenTelemetry workflow interceptors, for the runs that were started with a trace context
 * (by a client that traces: the API with OTEL_EXPORTER_OTLP_ENDPOINT set, or a traced parent workflow).
 * Any other run passes through untouched: no span, no sink call, no extra yield. The choice depends
 * only on the start's headers, which are in the history, so a replay makes the same one.
 */
export const interceptors = (): WorkflowInterceptors => {
  let traced: Traced | null = null;
  return {
    inbound: [
      {
        ...whenTraced(INBOUND, () => traced?.inbound ?? null),
        execute(input, next) {
          if (input.headers[TRACE_HEADER] === undefined) return next(input);
          traced = tracedInterceptors();
          return (traced.inbound.execute as Method).call(traced.inbound, input, next as never) as Promise<unknown>;
        },
      },
    ],
    outbound: [whenTraced(OUTBOUND, () => traced?.outbound ?? null)],
    internals: [whenTraced(INTERNALS, () => traced?.internals ?? null)],
  };
};
