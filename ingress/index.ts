/**
 * ingress/ — events in, runs started: the HTTP ingress for EventBridge API destinations (app.ts,
 * events-route.ts), the SQS ingress and dead-letter replay (sqs/), validation and admission of each
 * event (ingest.ts), and the one place a run is started from an event (start-remediation.ts:
 * workflow id from the event id, duplicates are no-ops). This index is its public surface: what
 * `ingress`, `dlq`, `dev`, `submit`, tests and the benchmark use.
 */
export { createIngressApp, DEFAULT_START_TIMEOUT_MS, type IngressAppOptions } from './app';
export { startIngress, type RunningIngress, type StartIngressOptions } from './server';
export { assertApiKeyPolicy, IngressConfigError, isLoopbackHost } from './api-key';
export {
  admitEvents,
  rejectedResult,
  startAdmitted,
  MAX_EVENT_BYTES,
  type Admission,
  type ItemResult,
  type Rejection,
} from './ingest';
export { temporalReachable } from './health-routes';
export { MAX_EVENTS_PER_REQUEST } from './refusals';
export { createIngressMetrics, type IngressMetrics } from './metrics';
export {
  DEFAULT_SQS_SETTINGS,
  startSqsIngress,
  type RunningSqsIngress,
  type SqsIngressSettings,
} from './sqs/consumer';
export { replayDeadLetters, type ReplayItem, type ReplayReport } from './sqs/replay';
export { startStatusServer } from './sqs/status-server';
