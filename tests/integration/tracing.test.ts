// OpenTelemetry end to end: an API and a worker of this test's own, with OTEL_EXPORTER_OTLP_ENDPOINT
// pointing at an OTLP/HTTP receiver in this process, and one job's spans followed from the request
// that enqueued it, through its workflow, to each activity. The shared stack runs without tracing.
import { spawn, type ChildProcess } from 'node:child_process';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobdeckClient, type JobdeckClient } from '@jobdeck/api/client';
import { writeWorkflowsEntry } from '@jobdeck/workflows/bundle';
import { jobdeckDataConverter } from '@jobdeck/workflows/codec';
import {
  startTracing,
  TRACING_WORKFLOW_INTERCEPTORS,
  tracingConfig,
  tracingSettings,
  tracingSinks,
} from '@jobdeck/workflows/telemetry';
import { clientAs, env, eventually, spawnWorker, temporal, waitForPoller, waitForState } from '../support/harness';
import { loopbackReceiver, type LoopbackReceiver } from '../support/loopback-receiver';
import { freePort } from '../support/ports';

const QUEUE = `traced-${process.pid}`;
/** Sent with every export: stands for a collector's credential, which must appear in no log. */
const COLLECTOR_KEY = `collector-key-${process.pid}`;

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  attributes: Record<string, unknown>;
}

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean };
type OtlpAttributes = Array<{ key: string; value: OtlpValue }>;
interface OtlpExport {
  resourceSpans: Array<{
    resource: { attributes: OtlpAttributes };
    scopeSpans: Array<{
      spans: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        attributes?: OtlpAttributes;
      }>;
    }>;
  }>;
}

const attributes = (list: OtlpAttributes = []) =>
  Object.fromEntries(list.map(({ key, value }) => [key, value.stringValue ?? value.intValue ?? value.boolValue]));

/** Every span the receiver was sent (OTLP/JSON: resourceSpans → scopeSpans → spans). */
function spansOf(receiver: LoopbackReceiver): ReceivedSpan[] {
  return receiver.requests
    .filter((request) => request.path === '/v1/traces')
    .flatMap((request) => (JSON.parse(request.body) as OtlpExport).resourceSpans)
    .flatMap((resource) =>
      resource.scopeSpans.flatMap((scope) =>
        scope.spans.map((span) => ({
          service: String(attributes(resource.resource.attributes)['service.name']),
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? '',
          name: span.name,
          attributes: attributes(span.attributes),
        })),
      ),
    );
}

type Proc = ChildProcess & { output: string[] };
let receiver: LoopbackReceiver;
let worker: Proc;
let api: Proc;
let apiClient: JobdeckClient;

function spawnApi(port: number, extraEnv: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/main.ts'], {
    env: { ...process.env, API_PORT: String(port), ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as Proc;
  child.output = [];
  child.stdout!.on('data', (chunk) => child.output.push(String(chunk)));
  child.stderr!.on('data', (chunk) => child.output.push(String(chunk)));
  return child;
}

beforeAll(async () => {
  receiver = await loopbackReceiver('127.0.0.1', () => ({ status: 200, body: '{}' }));
  const tracingEnv = {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.port}`,
    OTEL_EXPORTER_OTLP_HEADERS: `x-collector-key=${COLLECTOR_KEY}`,
    OTEL_BSP_SCHEDULE_DELAY: '200',
    JOBDECK_OUTBOUND_ALLOW: '127.0.0.1',
  };
  const port = await freePort();
  worker = spawnWorker(`${QUEUE}:2`, tracingEnv);
  api = spawnApi(port, tracingEnv);
  await waitForPoller(QUEUE, worker);
  await eventually(
    'the traced API to listen',
    async () => {
      if (api.exitCode !== null) throw new Error(`api exited: ${api.output.join('')}`);
      return api.output.join('').includes('api listening');
    },
    90_000,
  );
  const { token } = await clientAs('operator');
  apiClient = createJobdeckClient({ url: `http://127.0.0.1:${port}`, token });
}, 120_000);

afterAll(async () => {
  for (const child of [worker, api]) if (child && child.exitCode === null) child.kill('SIGKILL');
  await receiver?.close();
});

/** Stands for a job's data: it must reach no span. */
const secretInput = `tracing-input-${process.pid}`;
let tracedJob: Promise<string> | undefined;

/** One job enqueued through the traced API and run to its end, shared by the tests that read it. */
function completedTracedJob(): Promise<string> {
  tracedJob ??= (async () => {
    const { id } = await apiClient.jobs.enqueue.mutate({
      type: 'data.sync',
      input: { source: secretInput, records: 3 },
      options: { queue: QUEUE },
    });
    await waitForState(apiClient, id, ['completed'], 60_000);
    return id;
  })();
  return tracedJob;
}

describe('tracing', () => {
  it('links the enqueue request, its StartWorkflow, the workflow and each activity in one trace', async () => {
    const id = await completedTracedJob();

    const request = await eventually(
      'the enqueue request span',
      async () => spansOf(receiver).find((span) => span.name === 'trpc jobs.enqueue'),
      15_000,
    );
    // Each part arrives with its process's next batch (200 ms): wait until the activities' spans are in.
    const trace = await eventually(
      'the activity spans of the job',
      async () => {
        const spans = spansOf(receiver).filter((span) => span.traceId === request.traceId);
        const run = spans.filter((span) => span.name.startsWith('RunActivity:'));
        const started = spans.filter((span) => span.name.startsWith('StartActivity:'));
        return run.length && run.length >= started.length ? spans : undefined;
      },
      15_000,
    );

    expect(request).toMatchObject({
      service: 'jobdeck-api',
      attributes: { 'rpc.system': 'trpc', 'rpc.method': 'jobs.enqueue', 'rpc.trpc.status': 'OK' },
    });
    const start = trace.find((span) => span.name.startsWith('StartWorkflow:'));
    expect(start).toMatchObject({ service: 'jobdeck-api', parentSpanId: request.spanId });
    const workflow = trace.find((span) => span.name.startsWith('RunWorkflow:'));
    expect(workflow).toMatchObject({
      service: 'jobdeck-worker',
      parentSpanId: start!.spanId,
      attributes: { workflowId: id, taskQueue: QUEUE },
    });
    const scheduled = trace.filter((span) => span.name.startsWith('StartActivity:'));
    expect(scheduled.length).toBeGreaterThanOrEqual(1);
    for (const span of scheduled) expect(span.parentSpanId).toBe(workflow!.spanId);
    const ran = trace.filter((span) => span.name.startsWith('RunActivity:'));
    expect(ran.length).toBeGreaterThanOrEqual(scheduled.length);
    for (const span of ran) {
      expect(span).toMatchObject({ service: 'jobdeck-worker', attributes: { temporalWorkflowId: id } });
      // Each attempt is the child of the StartActivity span of its own activity type.
      const parent = scheduled.find((candidate) => candidate.spanId === span.parentSpanId);
      expect(parent?.name.replace('StartActivity:', '')).toBe(span.name.replace('RunActivity:', ''));
    }

    // What reached the collector: names and ids, never the job's input nor a credential; the
    // collector's own header was sent with every export and appears in no process's output.
    const bodies = receiver.requests.map((received) => received.body).join('\n');
    expect(bodies).not.toContain(secretInput);
    expect(bodies).not.toContain('Bearer');
    expect(receiver.requests.every((received) => received.headers['x-collector-key'] === COLLECTOR_KEY)).toBe(true);
    expect(worker.output.join('') + api.output.join('')).not.toContain(COLLECTOR_KEY);
  }, 90_000);

  it('leaves a job started without a trace context untraced, on a worker that traces', async () => {
    // The shared stack's API does not trace: its enqueue carries no context, so the traced worker adds none.
    const { client: untracedApi } = await clientAs('operator');
    const before = spansOf(receiver).length;
    const { id } = await untracedApi.jobs.enqueue.mutate({
      type: 'data.sync',
      input: { source: 'tracing.untraced', records: 2 },
      options: { queue: QUEUE },
    });
    await waitForState(untracedApi, id, ['completed'], 60_000);
    // Several of the worker's batch intervals: a span of this job would have arrived by now.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const spans = spansOf(receiver);
    expect(
      spans.filter((span) => span.attributes.workflowId === id || span.attributes.temporalWorkflowId === id),
    ).toEqual([]);
    expect(spans.slice(before).filter((span) => span.service === 'jobdeck-worker')).toEqual([]);
  }, 90_000);

  it("replays the traced job's history with tracing's workflow interceptors and without them", async () => {
    const jobId = await completedTracedJob();
    const history = await (await temporal()).workflow.getHandle(jobId).fetchHistory();
    const dataConverter = jobdeckDataConverter(env.encryptionKeys);
    const bundled = process.env.JOBDECK_WORKFLOW_BUNDLE;
    // The run's bundle has the interceptors (the worker always bundles them); a bare one does not.
    const withInterceptors = bundled
      ? { workflowBundle: { codePath: bundled }, sinks: tracingSinks(null) }
      : {
          workflowsPath: writeWorkflowsEntry(),
          interceptors: { workflowModules: [TRACING_WORKFLOW_INTERCEPTORS] },
          sinks: tracingSinks(null),
        };
    for (const options of [withInterceptors, { workflowsPath: writeWorkflowsEntry() }]) {
      await Worker.runReplayHistory({ ...options, dataConverter }, history, jobId);
    }
  }, 120_000);
});

describe('tracing settings', () => {
  const settings = (values: Record<string, string>) => {
    const parsed = Object.fromEntries(
      Object.entries(tracingSettings).map(([name, schema]) => [name, schema.parse(values[name])]),
    ) as Parameters<typeof tracingConfig>[0];
    const problems: string[] = [];
    const config = tracingConfig(parsed, { defaultServiceName: 'jobdeck-test', outboundAllow: '127.0.0.1', problems });
    return { config, problems };
  };

  it('is off without an endpoint, and names what it sends to otherwise', () => {
    expect(settings({}).config).toBeNull();
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/' }).config).toMatchObject({
      tracesUrl: 'http://127.0.0.1:4318/v1/traces',
      serviceName: 'jobdeck-test',
    });
    expect(
      settings({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9999/traces',
        OTEL_SERVICE_NAME: 'api-eu',
      }).config,
    ).toMatchObject({ tracesUrl: 'http://127.0.0.1:9999/traces', serviceName: 'api-eu' });
  });

  it('refuses a collector the outbound policy refuses, naming the variable, and never shows a header value', async () => {
    const refused = settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.2:4318' });
    expect(refused.problems).toEqual([expect.stringMatching(/^OTEL_EXPORTER_OTLP_ENDPOINT: 127\.0\.0\.2 refused/)]);
    const metadata = settings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://169.254.169.254/v1/traces' });
    expect(metadata.problems[0]).toMatch(/^OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 169\.254\.169\.254 refused/);
    expect(() => tracingSettings.OTEL_EXPORTER_OTLP_ENDPOINT.parse('file:///etc/passwd')).toThrow(/http/);

    // A host name is checked when tracing starts, on what it resolves to (localhost: not allow-listed by name).
    const byName = settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' }).config!;
    await expect(startTracing({ ...byName, outboundAllow: '' })).rejects.toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT: .*localhost/,
    );

    const badHeader = settings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20top-secret,no-equals-sign-top-secret',
    });
    expect(badHeader.problems).toHaveLength(1);
    expect(badHeader.problems.join('')).not.toContain('top-secret');
  });
});
