/**
 * What every simulated AWS call goes through: take a token from the account's rate limit for the
 * operation (or be throttled), add injected latency, expire finished tasks, fail with an injected
 * error, run the operation, answer in the service's wire format, and log it. Any unexpected
 * exception becomes the service's internal error, so bad input never crashes it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { AwsError, rateExceeded, type AwsService } from './aws-errors';
import { sendAwsError, sendAwsResult } from './protocol';
import type { SimulatorState } from './state';
import type { SimulatedOperation } from './types';

export type OperationHandler = (request: FastifyRequest) => unknown;

const INTERNAL_ERROR: Record<AwsService, string> = {
  connect: 'InternalServiceException',
  eventbridge: 'InternalException',
  cloudwatch: 'InternalFailure',
};

/** Route config every AWS route carries, so errors raised before the handler still know their operation. */
export interface AwsRouteConfig {
  service: AwsService;
  operation: SimulatedOperation;
}

export function awsOperation(
  state: SimulatorState,
  route: AwsRouteConfig,
  handler: OperationHandler,
  log?: (line: string) => void,
): RouteHandlerMethod {
  const { service, operation } = route;
  return async (request, reply) => {
    const startedAt = performance.now();
    const arrivedAtMs = state.now();
    const answered = state.requestLog.arrived(operation);
    // Throttling happens in front of the service: a throttled call consumes no injected fault.
    const admitted = state.rateLimits.tryTake(operation, arrivedAtMs);
    const delayMs = state.faults.latencyFor(operation);
    let failedEntries: number | undefined;
    try {
      if (delayMs > 0) await sleep(delayMs);
      if (!admitted) throw rateExceeded(service);
      state.expireTasks();
      const fault = state.faults.takeCallFault(operation);
      if (fault) throw new AwsError(service, fault.error, fault.message);
      const result = handler(request);
      failedEntries = failedEntryCountOf(result);
      sendAwsResult(reply, service, result);
    } catch (err) {
      sendAwsError(reply, asAwsError(service, err, log));
    } finally {
      answered();
    }
    recordCall(state, reply, { operation, startedAt, atMs: arrivedAtMs, failedEntries, log });
    return reply;
  };
}

export function asAwsError(service: AwsService, err: unknown, log?: (line: string) => void): AwsError {
  if (err instanceof AwsError) return err;
  log?.(`unexpected error: ${(err as Error)?.stack ?? String(err)}`);
  return new AwsError(service, INTERNAL_ERROR[service]);
}

export function recordCall(
  state: SimulatorState,
  reply: FastifyReply,
  call: {
    operation: SimulatedOperation | 'Unknown';
    startedAt: number;
    /** When the call arrived (epoch ms); default: now. */
    atMs?: number;
    failedEntries?: number;
    log?: (line: string) => void;
  },
): void {
  const status = reply.statusCode;
  const errorType = reply.getHeader('x-amzn-ErrorType');
  const error = status >= 400 && typeof errorType === 'string' ? errorType : undefined;
  const durationMs = Math.round((performance.now() - call.startedAt) * 10) / 10;
  const atMs = call.atMs ?? state.now();
  state.requestLog.record({
    time: new Date(atMs).toISOString(),
    atMs,
    operation: call.operation,
    status,
    ...(error !== undefined ? { error } : {}),
    ...(call.failedEntries ? { failedEntries: call.failedEntries } : {}),
    durationMs,
  });
  const outcome = error ?? (call.failedEntries ? `${call.failedEntries} failed entries` : 'ok');
  call.log?.(`${call.operation} ${status} ${outcome} ${durationMs}ms`);
}

function failedEntryCountOf(result: unknown): number | undefined {
  if (typeof result !== 'object' || result === null || !('FailedEntryCount' in result)) return undefined;
  return typeof result.FailedEntryCount === 'number' ? result.FailedEntryCount : undefined;
}
