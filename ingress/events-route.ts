/**
 * POST /events: one event or an array of up to 100.
 *
 * Status codes, chosen for EventBridge's retry rules (it retries 401, 407, 409, 429 and 5xx, and
 * drops any other 4xx):
 *   202  every event started or was already started (`duplicate`)
 *   400  some event is invalid: nothing started for it, the valid ones of an array WERE started
 *        (their results say so); a resend would only be refused again, so it must not be retried
 *   413  a single event above 256 KB, or more than 100 in an array
 *   503  Temporal unreachable for some event (Retry-After): the whole request is retried later;
 *        events already started answer `duplicate` then, so nothing runs twice and nothing is lost
 *   500  Temporal refused a start for another reason (our deployment, e.g. a missing search
 *        attribute): retried too, because the event itself was fine
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StartTarget } from './start-remediation';
import type { Logger } from '../worker/logger';
import { admitEvents, startAdmitted, type ItemResult } from './ingest';
import type { IngressMetrics } from './metrics';
import { badBatchLength, MAX_EVENTS_PER_REQUEST, unsupportedMediaType } from './refusals';
import { inRequestSpan } from './spans';

export const RETRY_AFTER_SECONDS = 5;

export interface EventsRouteOptions {
  client: Client;
  target: StartTarget;
  metrics: IngressMetrics;
  logger?: Logger;
  /** Below EventBridge's 5 s request timeout, so a slow Temporal still gets a 503 answer. */
  startTimeoutMs: number;
  /** Rejects the request (401) unless it carries the API key; absent = no key configured. */
  authorize?: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

type HttpStatus = 202 | 400 | 413 | 500 | 503;

function statusOf(results: readonly ItemResult[], isBatch: boolean): HttpStatus {
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.some((r) => r.reason === 'temporal-unavailable')) return 503;
  if (failed.length > 0) return 500;
  const rejected = results.find((r) => r.status === 'rejected');
  if (!rejected) return 202;
  return !isBatch && rejected.reason === 'too-large' ? 413 : 400;
}

/** The HTTP view of one result: internal error messages stay in the log. */
function publicResult(result: ItemResult) {
  if (result.status === 'failed') {
    const { message: _message, ...rest } = result;
    return rest;
  }
  return result;
}

function singleBody(result: ItemResult) {
  const { index: _index, ...rest } = publicResult(result);
  if (result.status === 'rejected') {
    return {
      error: result.reason === 'invalid' ? 'invalid event' : 'event too large',
      errors: result.errors,
    };
  }
  if (result.status === 'failed') {
    return { error: 'the run could not be started now; retry later', ...rest };
  }
  return rest;
}

function batchBody(results: readonly ItemResult[], status: HttpStatus) {
  const count = (s: ItemResult['status']) => results.filter((r) => r.status === s).length;
  const summary = {
    started: count('started'),
    duplicate: count('duplicate'),
    rejected: count('rejected'),
    failed: count('failed'),
  };
  const error =
    status === 202
      ? undefined
      : summary.failed > 0
        ? `${summary.failed} of ${results.length} events could not be started now; retry later`
        : `${summary.rejected} of ${results.length} events were rejected (the others were started; see results)`;
  return { ...(error ? { error } : {}), ...summary, results: results.map(publicResult) };
}

export function registerEventsRoute(app: FastifyInstance, options: EventsRouteOptions): void {
  const { metrics, logger } = options;

  const record = (results: readonly ItemResult[]) => {
    for (const result of results) {
      switch (result.status) {
        case 'started':
        case 'duplicate':
          (result.status === 'started' ? metrics.started : metrics.duplicate).inc();
          logger?.debug({ workflowId: result.workflowId, status: result.status }, 'event accepted');
          break;
        case 'rejected':
          metrics.rejected.inc({ reason: result.reason });
          logger?.info({ index: result.index, errors: result.errors }, 'event rejected');
          break;
        case 'failed':
          metrics.rejected.inc({ reason: result.reason });
          logger?.warn(
            { workflowId: result.workflowId, reason: result.reason, err: result.message },
            'start failed',
          );
      }
    }
  };

  app.post('/events', { ...(options.authorize ? { onRequest: options.authorize } : {}) }, (request, reply) =>
    // The root of the trace of every run this request starts (ingress/spans.ts).
    inRequestSpan(
      request,
      '/events',
      async (span) => {
        const body = request.body;
        if (body === undefined) throw unsupportedMediaType(request.headers['content-type']);
        const isBatch = Array.isArray(body);
        const items: unknown[] = isBatch ? body : [body];
        if (isBatch && (items.length === 0 || items.length > MAX_EVENTS_PER_REQUEST)) {
          throw badBatchLength(items.length);
        }
        metrics.received.inc(items.length);
        span.setAttribute('connect_remediator.events', items.length);
        const results = await startAdmitted(admitEvents(items, isBatch), {
          client: options.client,
          target: options.target,
          via: 'ingress',
          startTimeoutMs: options.startTimeoutMs,
          concurrency: MAX_EVENTS_PER_REQUEST,
        });
        record(results);
        const status = statusOf(results, isBatch);
        if (status === 503) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
        return reply.code(status).send(isBatch ? batchBody(results, status) : singleBody(results[0]!));
      },
      () => reply.statusCode,
    ),
  );
}
