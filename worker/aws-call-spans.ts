/**
 * A span per AWS call, as a middleware on the SDK client's own stack: the clients stay the SDK's
 * (no patched modules, no load-order rules as with require-hook instrumentation), and each call
 * becomes a child of whatever span is active — inside an activity, the activity's. Named and
 * attributed as OpenTelemetry's AWS SDK conventions have it (`Connect.StartTaskContact`,
 * rpc.system aws-api), with AWS's request id so a span can be matched with CloudTrail or support.
 */
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';

interface ResponseMetadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts?: number;
}

interface CallContext {
  clientName?: string;
  commandName?: string;
}

type Handler = (args: { input: object }) => Promise<{ output: object; response: unknown }>;

/** The part of an SDK v3 client this needs (every @aws-sdk/client-* has it). */
export interface TraceableAwsClient {
  middlewareStack: {
    add(
      middleware: (next: Handler, context: CallContext) => Handler,
      options: { step: 'initialize'; name: string; priority: 'high' },
    ): void;
  };
}

const tracer = () => trace.getTracer('connect-remediator/aws-sdk');

function metadataOf(value: unknown): ResponseMetadata | undefined {
  return (value as { $metadata?: ResponseMetadata } | undefined)?.$metadata;
}

function recordMetadata(span: Span, metadata: ResponseMetadata | undefined): void {
  if (metadata?.requestId) span.setAttribute('aws.request.id', metadata.requestId);
  if (metadata?.httpStatusCode !== undefined)
    span.setAttribute('http.response.status_code', metadata.httpStatusCode);
}

/** Adds the span middleware; `service` names the spans (Connect, EventBridge, CloudWatch, SQS). */
export function traceAwsCalls<C extends TraceableAwsClient>(client: C, service: string): C {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'UnknownCommand').replace(/Command$/, '');
      return tracer().startActiveSpan(
        `${service}.${operation}`,
        {
          kind: SpanKind.CLIENT,
          attributes: { 'rpc.system': 'aws-api', 'rpc.service': service, 'rpc.method': operation },
        },
        async (span) => {
          try {
            const result = await next(args);
            recordMetadata(span, metadataOf(result.output));
            return result;
          } catch (err) {
            // An AWS error answer (throttling, quota, validation) is what the remediation is about:
            // the span says which, the run decides what it means.
            recordMetadata(span, metadataOf(err));
            const error = err as Error;
            span.setAttribute('aws.error.code', error.name);
            span.recordException(error);
            span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
            throw err;
          } finally {
            span.end();
          }
        },
      );
    },
    { step: 'initialize', name: 'connectRemediatorCallSpan', priority: 'high' },
  );
  return client;
}
