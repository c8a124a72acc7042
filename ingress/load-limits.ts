/**
 * What keeps the ingress up under a flood: bounded bodies, bounded time per request and per idle
 * connection, a budget of body bytes in flight, and load shedding (@fastify/under-pressure) when
 * the heap or the event loop is past its limit — all answered with 503 and `Retry-After`, which
 * EventBridge retries, before the process runs out of memory.
 *
 * Sizes: EventBridge sends an API destination one event per request, at most 256 KB; `submit`
 * starts runs without HTTP. A body is one event (256 KB, checked unparsed) or an array of up to
 * 100 events of at most 1 MiB in all (other senders: split larger batches).
 */
import v8 from 'node:v8';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { IngressMetrics } from './metrics';

export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * Request bodies held at once, by their announced size (the full MAX_BODY_BYTES when none is
 * announced). Parsed JSON takes a few times its text, so 16 MiB of bodies stays far below a
 * 256 MB heap; 64 largest-size single events, or thousands of ordinary ones (a few KB each).
 */
export const MAX_BODY_BYTES_IN_FLIGHT = 16 * 1024 * 1024;
/** Headers and body must have arrived within this (a slow sender holds no socket for long). */
export const REQUEST_TIMEOUT_MS = 10_000;
export const HEADERS_TIMEOUT_MS = 5_000;
/** A connection idle (no bytes either way) this long is closed. */
export const CONNECTION_TIMEOUT_MS = 60_000;
/** Shed load when the heap's used part passes this fraction of its limit. */
export const HEAP_USED_FRACTION = 0.75;
export const MAX_EVENT_LOOP_DELAY_MS = 1000;
export const OVERLOAD_RETRY_AFTER_SECONDS = 5;

export interface LoadLimitOptions {
  metrics: IngressMetrics;
  /** Tests lower these to see them act. */
  maxBodyBytesInFlight?: number;
  maxHeapUsedBytes?: number;
}

/**
 * The fastify server options these limits need (bodyLimit is set per parser too). `http` goes to
 * node's http.createServer: node checks the request and headers timeouts every 30 s by default,
 * which would let a slow sender keep a socket up to 40 s; every second, it is at most 11 s.
 */
export const SERVER_LIMITS = {
  bodyLimit: MAX_BODY_BYTES,
  requestTimeout: REQUEST_TIMEOUT_MS,
  connectionTimeout: CONNECTION_TIMEOUT_MS,
  http: {
    requestTimeout: REQUEST_TIMEOUT_MS,
    headersTimeout: HEADERS_TIMEOUT_MS,
    connectionsCheckingInterval: 1000,
  },
};

/**
 * Answer a refused upload and keep reading. Closing the connection while the sender still writes
 * (what fastify and node do when a body is left unread) makes the sender's TCP stack discard this
 * answer when the reset arrives: it sees EPIPE or ECONNRESET instead of 413 or 503, and cannot
 * tell a refusal from an outage. Kept open, node reads the rest of the body and discards it — it is
 * never held, and the request timeout bounds how long (a "lingering close", as nginx does).
 */
export function lingerOnRefusal(reply: FastifyReply): void {
  reply.removeHeader('connection');
  reply.raw.shouldKeepAlive = true;
}

/** Sets the 503 and returns its body; the caller sends it. */
function overloaded(reply: FastifyReply, metrics: IngressMetrics, why: string) {
  metrics.rejected.inc({ reason: 'overloaded' });
  lingerOnRefusal(reply);
  void reply.code(503).header('retry-after', String(OVERLOAD_RETRY_AFTER_SECONDS));
  return { error: 'overloaded; retry later', errors: [{ path: '$', expected: why, found: 'more' }] };
}

/**
 * Registers both kinds of shedding on `scope` (the events route's, so /healthz and /metrics keep
 * answering under load). Both act in onRequest, before a byte of the body is read.
 */
export async function registerLoadShedding(scope: FastifyInstance, options: LoadLimitOptions): Promise<void> {
  const { metrics } = options;
  const budget = options.maxBodyBytesInFlight ?? MAX_BODY_BYTES_IN_FLIGHT;
  let inFlight = 0;
  await scope.register(underPressure, {
    maxHeapUsedBytes:
      options.maxHeapUsedBytes ?? Math.floor(v8.getHeapStatistics().heap_size_limit * HEAP_USED_FRACTION),
    maxEventLoopDelay: MAX_EVENT_LOOP_DELAY_MS,
    sampleInterval: 250,
    retryAfter: OVERLOAD_RETRY_AFTER_SECONDS,
    // Returning the body makes under-pressure send it and end the request there.
    pressureHandler: (_request, reply, type) =>
      overloaded(
        reply,
        metrics,
        type === 'eventLoopDelay' ? 'an event loop keeping up' : 'memory to spare',
      ) as never,
  });
  scope.addHook('onRequest', async (request, reply) => {
    if (reply.sent) return reply; // shed by under-pressure
    const announced = Number(request.headers['content-length']);
    const size =
      Number.isSafeInteger(announced) && announced >= 0
        ? Math.min(announced, MAX_BODY_BYTES)
        : MAX_BODY_BYTES;
    if (inFlight + size > budget) {
      return reply.send(overloaded(reply, metrics, `at most ${budget} bytes of request bodies in flight`));
    }
    inFlight += size;
    // 'close' comes once, however the request ends: answered, refused, timed out, aborted.
    reply.raw.once('close', () => (inFlight -= size));
    return undefined;
  });
}
