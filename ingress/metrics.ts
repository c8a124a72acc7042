/**
 * Prometheus metrics of one ingress instance. Each app gets its own registry (not prom-client's
 * global one), so several apps can live in one process — tests, the benchmark, `dev`.
 */
import { Counter, Histogram, Registry } from 'prom-client';

export type RejectionReason =
  | 'invalid'
  | 'too-large'
  | 'not-json'
  | 'unsupported-media-type'
  | 'unauthorized'
  | 'temporal-unavailable'
  | 'temporal-error';

export interface IngressMetrics {
  registry: Registry;
  received: Counter;
  started: Counter;
  duplicate: Counter;
  rejected: Counter<'reason'>;
  requestDuration: Histogram<'method' | 'route' | 'status_code'>;
}

export function createIngressMetrics(): IngressMetrics {
  const registry = new Registry();
  const prefix = 'connect_remediator_ingress_';
  return {
    registry,
    received: new Counter({
      name: `${prefix}events_received_total`,
      help: 'Events delivered to POST /events (each item of an array counts)',
      registers: [registry],
    }),
    started: new Counter({
      name: `${prefix}events_started_total`,
      help: 'Events whose remediation run was started',
      registers: [registry],
    }),
    duplicate: new Counter({
      name: `${prefix}events_duplicate_total`,
      help: 'Redelivered events whose run already existed (nothing started)',
      registers: [registry],
    }),
    rejected: new Counter({
      name: `${prefix}events_rejected_total`,
      help: 'Events (or whole requests, when nothing could be read) refused, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: `${prefix}request_duration_seconds`,
      help: 'HTTP request latency',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
