/**
 * OpenTelemetry traces, through Temporal's own interceptors (@temporalio/interceptors-opentelemetry):
 * the ingress's span for a request or message is the root, the client interceptor carries it into
 * the workflow start's headers, the workflow interceptors (bundled into the workflow code) continue
 * it in the run and into every activity's headers, and the activity interceptor continues it in the
 * worker — so a run's spans, down to each AWS call (aws-call-spans.ts), share one trace.
 *
 * Only `startTracing` registers anything global. Without a TracingConfig nothing here runs: the
 * OpenTelemetry API stays a no-op, the workflow bundle has no tracing interceptors, no exporter
 * exists.
 */
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { ClientInterceptors } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { TracingConfig } from './tracing-config';

/**
 * The workflow-side interceptors, as a module for the bundler: the very module the package's own
 * OpenTelemetryPlugin registers. A path, not an import — it runs inside the workflow sandbox, where
 * its tracer records deterministically (span ids from the workflow's seeded random, times from
 * workflow time) and hands finished spans to the worker through the `exporter` sink.
 */
export const WORKFLOW_TRACING_INTERCEPTORS =
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

export interface Tracing {
  config: TracingConfig;
  serviceName: string;
  resource: Resource;
  spanProcessor: SpanProcessor;
  /** Exports what is still buffered and stops the exporter. */
  shutdown(): Promise<void>;
}

let started: Tracing | undefined;

/**
 * Registers the process's tracer provider (W3C trace context, AsyncLocalStorage context) exporting
 * to the configured OTLP endpoint. Once per process: a second call returns the first (`dev` runs
 * the worker and the ingress in one process, under one service name).
 */
export function startTracing(config: TracingConfig, defaultServiceName: string): Tracing {
  if (started) return started;
  const serviceName = config.serviceName ?? defaultServiceName;
  const resource = Resource.default().merge(new Resource({ 'service.name': serviceName }));
  const exporter =
    config.protocol === 'http/json'
      ? new OTLPJsonTraceExporter({ url: config.url })
      : new OTLPProtoTraceExporter({ url: config.url });
  const spanProcessor = new BatchSpanProcessor(exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  const tracing: Tracing = {
    config,
    serviceName,
    resource,
    spanProcessor,
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      started = undefined;
    },
  };
  started = tracing;
  return tracing;
}

/** The client interceptor: a start (or signal, update…) gets a span and carries it in its headers. */
export function tracingClientInterceptors(tracing: Tracing | undefined): ClientInterceptors {
  return tracing ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : {};
}

/**
 * What every Worker.create of a traced process adds: the activity interceptors (a span per
 * activity, child of the workflow's, and trace ids on activity log lines) and the sink through
 * which the workflow sandbox's spans are exported. The workflow interceptors themselves are in the
 * bundle (`bundleWorkflows({ tracing: true })`): a pre-built bundle ignores WorkerOptions'.
 */
export function tracingWorkerOptions(
  tracing: Tracing | undefined,
): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  if (!tracing) return {};
  return {
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}

/** The startup line: where spans go, or how to turn them on. */
export function tracingLine(tracing: Tracing | undefined): string {
  return tracing
    ? `traces to ${tracing.config.url} (${tracing.config.protocol}) as service "${tracing.serviceName}"`
    : 'traces off (set OTEL_EXPORTER_OTLP_ENDPOINT to export them)';
}
