/**
 * ingress/ — events in, runs started: the HTTP ingress for EventBridge API destinations (app.ts,
 * events-route.ts), validation and admission of each event (ingest.ts), and the one place a run is
 * started from an event (start-remediation.ts: workflow id from the event id, duplicates are
 * no-ops). This index is its public surface: what `ingress`, `dev`, `submit`, tests and the
 * benchmark use.
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
