/**
 * The simulator's HTTP server: one port speaking Amazon Connect (REST-JSON), EventBridge (JSON 1.1),
 * SQS (JSON 1.0) and the `/_sim` admin API. Bodies are read as raw bytes and parsed by each operation, so malformed
 * JSON, wrong types, huge bodies and unknown paths all get the error AWS would send — never a crash.
 */
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { AdminError, ADMIN_PREFIX, registerAdminRoutes, sendAdminError } from './admin/routes';
import { SimulatorAdminClient } from './admin-client';
import { AwsError, type AwsService } from './aws-errors';
import { asAwsError, recordCall, type AwsRouteConfig } from './aws-operation';
import { registerConnectRoutes } from './connect/routes';
import { registerEventBridgeRoutes } from './eventbridge/routes';
import { registerSqsRoutes } from './sqs/routes';
import { SimulatedSqs } from './sqs/service';
import { sendAwsError } from './protocol';
import { validateConfigPatch } from './config';
import { defaultSeed } from './seed';
import { SimulatorState } from './state';
import type { SimulatorConfigPatch, SimulatorSeed } from './types';

/** Larger than any valid request (PutEvents allows 256 KB of entries); beyond it: 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface SimulatorOptions {
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Instances, flows and rules to start with (default: simulator/seed.json). */
  seed?: SimulatorSeed;
  /** Settings to start with (and return to on reset); rate limits default to AWS's. */
  config?: SimulatorConfigPatch;
  /** Receives one line per AWS call and per unexpected error. */
  log?: (line: string) => void;
  /**
   * The clock (epoch ms) for rate limits, task times and the request log; default Date.now. Tests
   * pass a manual one to step through refills and lifetimes without waiting.
   */
  now?: () => number;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:45123 — the `endpoint` for both SDK clients. */
  endpoint: string;
  port: number;
  admin: SimulatorAdminClient;
  /** In-process access to the state, for tests that need more than the admin API. */
  state: SimulatorState;
  /** In-process access to the simulated SQS queues. */
  sqs: SimulatedSqs;
  stop(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const state = new SimulatorState(
    options.seed ?? defaultSeed(),
    validateConfigPatch(options.config ?? {}),
    options.now,
  );
  const sqs = new SimulatedSqs();
  const app = buildSimulatorApp(state, options.log, sqs);
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    port,
    admin: new SimulatorAdminClient(endpoint),
    state,
    sqs,
    stop: () => (stopped ??= app.close()),
  };
}

export function buildSimulatorApp(
  state: SimulatorState,
  log?: (line: string) => void,
  sqs: SimulatedSqs = new SimulatedSqs(),
): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    // Long enough for an ARN in place of an id; longer path segments are refused, not crashed on.
    routerOptions: { maxParamLength: 500 },
    frameworkErrors: (error, request, reply) => rejectRequest(state, error, request, reply, log),
  });
  // Every content type arrives as bytes: each operation parses (and rejects) its own body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  registerConnectRoutes(app, state, log);
  registerEventBridgeRoutes(app, state, log);
  registerSqsRoutes(app, sqs, log);
  registerAdminRoutes(app, state);

  app.setErrorHandler((error, request, reply) =>
    rejectRequest(state, error as FastifyError, request, reply, log),
  );
  app.setNotFoundHandler((request, reply) => {
    if (isAdminPath(request.url)) {
      return sendAdminError(
        reply,
        new AdminError(404, 'NotFound', `no admin endpoint ${request.method} ${request.url}`),
      );
    }
    const service = serviceOf(request);
    const message = `No operation matches ${request.method} ${request.url.split('?')[0]}`;
    sendAwsError(
      reply,
      new AwsError(service, 'UnknownOperationException', message, service === 'connect' ? 404 : 400),
    );
    recordCall(state, reply, { operation: 'Unknown', startedAt: performance.now(), log });
    return reply;
  });
  return app;
}

/** A request that failed before its operation ran: bad URL, unreadable or oversized body, … */
function rejectRequest(
  state: SimulatorState,
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
  log?: (line: string) => void,
): FastifyReply {
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (isAdminPath(request.url)) {
    return sendAdminError(
      reply,
      new AdminError(status, status >= 500 ? 'InternalError' : 'InvalidRequest', error.message),
    );
  }
  const route = (request.routeOptions?.config ?? {}) as Partial<AwsRouteConfig>;
  const service = route.service ?? serviceOf(request);
  const awsError =
    status === 413
      ? new AwsError(
          service,
          'RequestEntityTooLargeException',
          `Request body exceeds ${MAX_BODY_BYTES} bytes`,
          413,
        )
      : status < 500
        ? new AwsError(
            service,
            service === 'connect' ? 'InvalidRequestException' : 'SerializationException',
            error.message,
            400,
          )
        : asAwsError(service, error, log);
  sendAwsError(reply, awsError);
  recordCall(state, reply, { operation: route.operation ?? 'Unknown', startedAt: performance.now(), log });
  return reply;
}

const isAdminPath = (url: string) =>
  url === ADMIN_PREFIX || url.startsWith(`${ADMIN_PREFIX}/`) || url.startsWith(`${ADMIN_PREFIX}?`);

/** JSON 1.1 clients (EventBridge) name their operation in X-Amz-Target; Connect's paths do. */
function serviceOf(request: FastifyRequest): AwsService {
  return request.headers['x-amz-target'] !== undefined ? 'eventbridge' : 'connect';
}
