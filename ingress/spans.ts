/**
 * The root of a run's trace: a span for the HTTP request or the SQS message that delivered the
 * event. The run's start (the Temporal client interceptor) is its child, and the run's own spans
 * follow through the workflow headers (worker/tracing.ts). With tracing off these use the
 * OpenTelemetry API's no-op tracer: nothing is recorded.
 */
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { Message } from '@aws-sdk/client-sqs';

const tracer = () => trace.getTracer('connect-remediator/ingress');

async function inSpan<T>(span: Span, fn: () => Promise<T>, statusOf: (result: T) => number | undefined) {
  try {
    const result = await fn();
    const status = statusOf(result);
    if (status !== undefined) span.setAttribute('http.response.status_code', status);
    if (status !== undefined && status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    return result;
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    if (status !== undefined) span.setAttribute('http.response.status_code', status);
    span.recordException(err as Error);
    if (status === undefined || status >= 500)
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}

/**
 * `POST /events`, as a server span. A caller that sends W3C `traceparent` (another traced
 * service; EventBridge sends none) gets its trace continued.
 */
export function inRequestSpan<T>(
  request: { method: string; headers: Record<string, string | string[] | undefined> },
  route: string,
  fn: (span: Span) => Promise<T>,
  statusOf: (result: T) => number | undefined,
): Promise<T> {
  const parent = propagation.extract(context.active(), request.headers);
  return tracer().startActiveSpan(
    `${request.method} ${route}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, 'http.route': route },
    },
    parent,
    (span) => inSpan(span, () => fn(span), statusOf),
  );
}

/** One SQS message's processing, as a consumer span (OpenTelemetry's messaging conventions). */
export function inMessageSpan<T>(queueUrl: string, message: Message, fn: () => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(
    `process ${queueUrl.split('/').pop() ?? queueUrl}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'aws_sqs',
        'messaging.operation.type': 'process',
        'messaging.destination.name': queueUrl,
        ...(message.MessageId ? { 'messaging.message.id': message.MessageId } : {}),
      },
    },
    (span) => inSpan(span, fn, () => undefined),
  );
}
