/**
 * Tracing settings, read from OpenTelemetry's standard variables so a collector's usual setup works
 * unchanged. Tracing is off unless an OTLP endpoint is configured: a process with none exports
 * nothing and registers no tracer provider.
 *
 * The exporter speaks OTLP over HTTP (port 4318 on a collector), protobuf unless
 * OTEL_EXPORTER_OTLP_PROTOCOL says `http/json`. gRPC is refused by name rather than silently sent
 * HTTP to a gRPC port.
 */
import { z } from 'zod';

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface TracingConfig {
  /** Where spans are POSTed (…/v1/traces). */
  url: string;
  protocol: OtlpProtocol;
  /** OTEL_SERVICE_NAME; unset, each process names itself (connect-remediator-worker, …-ingress). */
  serviceName?: string;
}

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const endpoint = (name: string) =>
  optional.transform((v, ctx) => {
    if (v === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      url = new URL('invalid:');
    }
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
    ctx.addIssue({
      code: 'custom',
      message: `${name}: expected an http(s) URL of an OTLP/HTTP receiver such as http://127.0.0.1:4318; got "${v}"`,
    });
    return z.NEVER;
  });

const protocol = (name: string) =>
  optional.transform((v, ctx): OtlpProtocol | undefined => {
    if (v === undefined) return undefined;
    if (v === 'http/protobuf' || v === 'http/json') return v;
    ctx.addIssue({
      code: 'custom',
      message:
        v === 'grpc'
          ? `${name}: grpc is not supported; use http/protobuf (a collector's OTLP/HTTP port, 4318)`
          : `${name}: expected http/protobuf or http/json; got "${v}"`,
    });
    return z.NEVER;
  });

/** The variables, as fields of the config schema (worker/config.ts spreads them in). */
export const TRACING_ENV_SHAPE = {
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint('OTEL_EXPORTER_OTLP_ENDPOINT'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'),
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol('OTEL_EXPORTER_OTLP_PROTOCOL'),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'),
  OTEL_SERVICE_NAME: optional,
  OTEL_SDK_DISABLED: optional,
};

type TracingEnv = {
  [K in keyof typeof TRACING_ENV_SHAPE]: z.infer<(typeof TRACING_ENV_SHAPE)[K]>;
};

/**
 * The signal-specific endpoint is used as given; the generic one is a base that `v1/traces` is
 * appended to (the OTLP exporter specification's rule). OTEL_SDK_DISABLED=true turns tracing off
 * whatever the endpoint.
 */
export function tracingConfig(e: TracingEnv): TracingConfig | undefined {
  if (e.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return undefined;
  const url = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
    ? e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT.href
    : e.OTEL_EXPORTER_OTLP_ENDPOINT
      ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.href.replace(/\/+$/, '')}/v1/traces`
      : undefined;
  if (!url) return undefined;
  return {
    url,
    protocol: e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
    ...(e.OTEL_SERVICE_NAME ? { serviceName: e.OTEL_SERVICE_NAME } : {}),
  };
}
