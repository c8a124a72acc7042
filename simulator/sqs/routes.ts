/**
 * Amazon SQS on the simulator's port. The SDK v3 SQS client speaks AWS JSON 1.0 (`POST /`, the
 * operation in `X-Amz-Target: AmazonSQS.<Op>`, plus `x-amzn-query-mode: true`), the same path
 * EventBridge's JSON 1.1 uses; a route constraint on the target's prefix sends SQS calls here and
 * leaves every other `POST /` to the routes registered without it.
 */
import type { FastifyInstance } from 'fastify';
import { parseJsonObject } from '../protocol';
import { SqsError, sendSqsError, sendSqsResult } from './errors';
import type { SimulatedSqs } from './service';

const TARGET_PREFIX = 'AmazonSQS.';
const CONSTRAINT = 'awsService';

export function registerSqsRoutes(
  app: FastifyInstance,
  sqs: SimulatedSqs,
  log?: (line: string) => void,
): void {
  app.addConstraintStrategy({
    name: CONSTRAINT,
    storage() {
      const handlers = new Map<string, unknown>();
      return {
        get: (value: string) => (handlers.get(value) ?? null) as never,
        set: (value: string, store: unknown) => void handlers.set(value, store),
      };
    },
    deriveConstraint: (request) => {
      const target = request.headers['x-amz-target'];
      return typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? 'sqs' : 'other';
    },
    mustMatchWhenDerived: false,
  });
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    sqs.wakeAll();
  });

  app.post('/', { constraints: { [CONSTRAINT]: 'sqs' } }, async (request, reply) => {
    const startedAt = performance.now();
    const operation = String(request.headers['x-amz-target']).slice(TARGET_PREFIX.length);
    const handler = sqs.operations[operation];
    try {
      if (!handler)
        throw new SqsError('UnsupportedOperation', `The simulator does not implement ${operation}`);
      const input = parseJsonObject(request.body);
      if (!input) throw new SqsError('InvalidParameterValue', 'The request body is not a JSON object.');
      const origin = `${request.protocol}://${request.headers.host ?? request.hostname}`;
      const result = await handler(input, {
        origin,
        // The socket, not the request stream: the request stream ends once its body has been read.
        cancelled: () => closing || request.raw.socket.destroyed,
      });
      sendSqsResult(reply, result);
    } catch (err) {
      if (!(err instanceof SqsError)) log?.(`unexpected SQS error: ${(err as Error)?.stack ?? String(err)}`);
      sendSqsError(reply, err instanceof SqsError ? err : new SqsError('InternalError', 'Internal error'));
    }
    log?.(`SQS ${operation} ${reply.statusCode} ${Math.round((performance.now() - startedAt) * 10) / 10}ms`);
    return reply;
  });
}
