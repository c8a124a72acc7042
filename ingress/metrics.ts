/**
 * Prometheus metrics of one ingress instance. Each app gets its own registry (not prom-client's
 * global one), so several apps can live in one process — tests, the benchmark, `dev`.
 */
import v8 from 'node:v8';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type RejectionReason =
  | 'invalid'
  | 'too-large'
  | 'not-json'
  | 'unsupported-media-type'
  | 'unauthorized'
  | 'temporal-unavailable'
  | 'temporal-error'
  | 'overloaded';

export interface IngressMetrics {
  registry: Registry;
  received: Counter;
  started: Counter;
  duplicate: Counter;
  rejected: Counter<'reason'>;
  requestDuration: Histogram<'method' | 'route' | 'status_code'>;
  heapUsed: Gauge;
  heapLimit: Gauge;
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
    ...heapGauges(registry, prefix),
  };
}

/** The heap against its limit, read when scraped: how close the process is to shedding load. */
function heapGauges(registry: Registry, prefix: string) {
  return {
    heapUsed: new Gauge({
      name: `${prefix}heap_used_bytes`,
      help: 'V8 heap in use by this process (POST /events answers 503 past 75% of the limit)',
      registers: [registry],
      collect() {
        this.set(process.memoryUsage().heapUsed);
      },
    }),
    heapLimit: new Gauge({
      name: `${prefix}heap_limit_bytes`,
      help: 'V8 heap size limit of this process (--max-old-space-size and the young generation)',
      registers: [registry],
      collect() {
        this.set(v8.getHeapStatistics().heap_size_limit);
      },
    }),
  };
}
