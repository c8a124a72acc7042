// The ingress's public surface: what `ingress`, `dev`, `submit`, tests and the benchmark use.
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
