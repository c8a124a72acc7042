/**
 * The ingress HTTP app, without binding a port: `createIngressApp` is what tests inject requests
 * into; `startIngress` (server.ts) listens.
 */
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Config } from '../worker/config';
import type { Logger } from '../worker/logger';
import type { StartTarget } from './start-remediation';
import { createApiKeyCheck } from './api-key';
import { registerJsonBodyParser } from './body-parser';
import {
  lingerOnRefusal,
  MAX_BODY_BYTES,
  registerLoadShedding,
  SERVER_LIMITS,
  type LoadLimitOptions,
} from './load-limits';
import { registerEventsRoute } from './events-route';
import { registerHealthRoutes } from './health-routes';
import { createIngressMetrics, type IngressMetrics } from './metrics';
import { RequestRefused, bodyTooLarge, unsupportedMediaType } from './refusals';

export interface IngressAppOptions {
  client: Client;
  /** Where runs start and how links to them are built. */
  temporal: StartTarget;
  ingress: Pick<Config['ingress'], 'apiKey' | 'apiKeyHeader'>;
  logger?: Logger;
  /** Default 4 s: EventBridge gives an API destination 5 s to answer. */
  startTimeoutMs?: number;
  /** Load-shedding thresholds (./load-limits.ts); tests lower them. */
  limits?: Pick<LoadLimitOptions, 'maxBodyBytesInFlight' | 'maxHeapUsedBytes'>;
}

export const DEFAULT_START_TIMEOUT_MS = 4000;

export function createIngressApp(options: IngressAppOptions): FastifyInstance {
  const logger = options.logger?.child({ component: 'ingress' });
  const app: FastifyInstance = Fastify({
    // No logger for fastify itself: it builds a pino child logger for every request, measured at
    // ~40% of the HTTP path's CPU (0.136 vs 0.077 ms per request). Outcomes and unexpected errors
    // are logged by our handlers through `logger`.
    logger: false,
    ...SERVER_LIMITS,
  });
  const metrics = createIngressMetrics();
  registerJsonBodyParser(app);
  app.setErrorHandler((err: FastifyError, request, reply) =>
    refuse(err, request.headers['content-type'], reply, metrics, logger),
  );
  app.addHook('onResponse', async (request, reply) => {
    metrics.requestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  const { apiKey, apiKeyHeader } = options.ingress;
  const keyMatches = apiKey ? createApiKeyCheck(apiKey) : undefined;
  // Its own scope: load is shed on POST /events only, so health and metrics answer under a flood.
  void app.register(async (events) => {
    await registerLoadShedding(events, { metrics, ...options.limits });
    registerEventsRoute(events, {
      client: options.client,
      target: options.temporal,
      metrics,
      logger,
      startTimeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      ...(keyMatches && {
        authorize: async (request, reply) => {
          if (keyMatches(request.headers[apiKeyHeader])) return;
          metrics.rejected.inc({ reason: 'unauthorized' });
          // Nothing about the key: not which header, not whether one was sent.
          return reply.code(401).send({ error: 'unauthorized' });
        },
      }),
    });
  });
  registerHealthRoutes(app, { client: options.client, namespace: options.temporal.namespace, metrics });
  return app;
}

function refuse(
  err: FastifyError,
  contentType: string | undefined,
  reply: FastifyReply,
  metrics: IngressMetrics,
  logger: Logger | undefined,
) {
  let refused: RequestRefused | undefined;
  if (err instanceof RequestRefused) refused = err;
  else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') refused = unsupportedMediaType(contentType);
  else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    refused = bodyTooLarge({
      path: '$',
      expected: `a request body of at most ${MAX_BODY_BYTES} bytes`,
      found: 'more',
    });
    lingerOnRefusal(reply);
  }
  if (refused) {
    metrics.rejected.inc({ reason: refused.reason });
    return reply.code(refused.statusCode).send(refused.body);
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return reply.code(status).send({ error: err.message });
  logger?.error({ err }, 'unexpected ingress error');
  return reply.code(500).send({ error: 'internal error' });
}
