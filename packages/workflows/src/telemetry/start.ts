// The process's tracer: spans batched and sent over OTLP/HTTP to the collector tracing names.
import { trace, type Span, type Attributes } from '@opentelemetry/api';
import { setGlobalErrorHandler } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { OutboundRefusedError } from '../outbound/errors';
import { createOutboundPolicy } from '../outbound/policy';
import { policyLookup, resolveAllowed, systemResolver } from '../outbound/lookup';
import type { TracingConfig } from './settings';

export interface Tracing {
  /** service.name and the SDK's attributes: the workflow spans (exported through a sink) carry it too. */
  resource: Resource;
  spanProcessor: SpanProcessor;
  /** Sends what is still batched (at most a few seconds' spans), then stops. */
  shutdown(): Promise<void>;
}

let active = false;

/** Whether this process traces: callers skip even a no-op span when it does not. */
export function tracingActive(): boolean {
  return active;
}

/**
 * Installs the global tracer provider, or nothing (null) when tracing is off. The collector is an
 * outbound address like a webhook's: a name the policy refuses stops the start, naming the variable,
 * and every connection the exporter opens goes through the policy's lookup, so a later DNS answer is
 * checked too. A name that does not resolve yet is only warned about: the collector may start later.
 */
export async function startTracing(
  config: TracingConfig | null,
  log: (message: string) => void = console.warn,
): Promise<Tracing | null> {
  if (!config) return null;
  const policy = createOutboundPolicy(config.outboundAllow);
  const host = new URL(config.tracesUrl).hostname.replace(/^\[|\]$/g, '');
  await resolveAllowed(policy, systemResolver, host).catch((error: Error) => {
    if (error instanceof OutboundRefusedError)
      throw new Error(`invalid configuration:\n  ${config.variable}: ${error.message}`);
    log(`tracing: ${host} does not resolve yet (${error.message}); spans are sent once it does`);
  });
  const exporter = new OTLPTraceExporter({
    url: config.tracesUrl,
    headers: config.headers,
    httpAgentOptions: { keepAlive: true, lookup: policyLookup(policy, systemResolver) },
  });
  const resource = new Resource({ [ATTR_SERVICE_NAME]: config.serviceName });
  const spanProcessor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: config.scheduleDelayMs });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  // A collector away costs the spans of the batches it missed, said at most once a minute (the
  // message, never the headers; the host, never the URL, which may hold a credential).
  let warnedAt = -Infinity;
  setGlobalErrorHandler((error) => {
    if (Date.now() - warnedAt < 60_000) return;
    warnedAt = Date.now();
    log(`tracing: spans not sent to ${host}, dropped (${error instanceof Error ? error.message : String(error)})`);
  });
  active = true;
  return {
    resource: provider.resource,
    spanProcessor,
    async shutdown() {
      active = false;
      await provider.shutdown().catch(() => undefined);
    },
  };
}

/**
 * Runs `fn` inside a span (its child spans, Temporal's client calls among them, link to it), or just
 * runs it when tracing is off. `fn` sets the span's outcome; the span ends when it settles.
 */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span | null) => Promise<T>,
): Promise<T> {
  if (!active) return fn(null);
  return trace.getTracer('jobdeck').startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } finally {
      span.end();
    }
  });
}
