// Tracing's settings: the standard OTEL_* variables, validated once with each process's other settings.
import { isIP } from 'node:net';
import { z } from 'zod';
import { createOutboundPolicy } from '../outbound/policy';

const otlpUrl = z
  .string()
  .optional()
  .transform((value) => value?.trim() || null)
  .refine((value) => value === null || /^https?:\/\/[^/]/i.test(value), 'must be an http:// or https:// URL')
  .refine((value) => value === null || URL.canParse(value), 'is not a URL');

/** Spread into a process's environment schema beside `sharedSettings`. */
export const tracingSettings = {
  /** Turns tracing on: the collector's OTLP/HTTP base URL (`/v1/traces` is added), e.g. http://otel-collector:4318. */
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
  /** The traces URL itself, used as given; wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl,
  /** `key=value,…` (values URL-encoded) sent with every export: often a credential, so never logged. */
  OTEL_EXPORTER_OTLP_HEADERS: z.string().default(''),
  /** Names this process in the traces; jobdeck-api / jobdeck-worker by default. */
  OTEL_SERVICE_NAME: z
    .string()
    .optional()
    .transform((value) => value?.trim() || null),
  /** How long finished spans wait to be sent together, in ms. */
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().min(1).max(60_000).default(5_000),
};

type TracingEnv = {
  [Key in keyof typeof tracingSettings]: z.output<(typeof tracingSettings)[Key]>;
};

export interface TracingConfig {
  /** Where spans are POSTed (OTLP/HTTP, JSON). */
  tracesUrl: string;
  /** The variable that named it, for messages. */
  variable: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' | 'OTEL_EXPORTER_OTLP_ENDPOINT';
  headers: Record<string, string>;
  serviceName: string;
  scheduleDelayMs: number;
  /** JOBDECK_OUTBOUND_ALLOW: the collector is an outbound address like any other. */
  outboundAllow: string;
}

/** `a=1,b=x%20y` as the OpenTelemetry specification writes OTLP headers. The values are never shown. */
function parseHeaders(spec: string, problems: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const part of spec.split(',')) {
    if (!part.trim()) continue;
    const at = part.indexOf('=');
    const name = part.slice(0, at).trim();
    if (at < 1 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      problems.push('OTEL_EXPORTER_OTLP_HEADERS: each entry must be name=value (values URL-encoded)');
      continue;
    }
    try {
      headers[name] = decodeURIComponent(part.slice(at + 1).trim());
    } catch {
      problems.push(`OTEL_EXPORTER_OTLP_HEADERS: the value of ${name} is not URL-encoded`);
    }
  }
  return headers;
}

/**
 * Null when no endpoint is set: then nothing of tracing is installed. An endpoint that is an IP address
 * the outbound policy refuses is a problem at once; a host name is checked when tracing starts (DNS).
 */
export function tracingConfig(
  e: TracingEnv,
  {
    defaultServiceName,
    outboundAllow,
    problems,
  }: { defaultServiceName: string; outboundAllow: string; problems: string[] },
): TracingConfig | null {
  const variable = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
    ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'
    : e.OTEL_EXPORTER_OTLP_ENDPOINT
      ? 'OTEL_EXPORTER_OTLP_ENDPOINT'
      : null;
  if (!variable) return null;
  const tracesUrl =
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${e.OTEL_EXPORTER_OTLP_ENDPOINT!.replace(/\/+$/, '')}/v1/traces`;
  const host = new URL(tracesUrl).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    try {
      const decision = createOutboundPolicy(outboundAllow).decide(host, host);
      if (!decision.allowed) problems.push(`${variable}: ${decision.address} refused: ${decision.reason}`);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return {
    tracesUrl,
    variable,
    headers: parseHeaders(e.OTEL_EXPORTER_OTLP_HEADERS, problems),
    serviceName: e.OTEL_SERVICE_NAME ?? defaultServiceName,
    scheduleDelayMs: e.OTEL_BSP_SCHEDULE_DELAY,
    outboundAllow,
  };
}
