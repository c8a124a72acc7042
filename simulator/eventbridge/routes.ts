/** EventBridge's JSON 1.1 endpoint: every call is `POST /`, the operation named by `X-Amz-Target`. */
import type { FastifyInstance } from 'fastify';
import { AwsError } from '../aws-errors';
import { awsOperation, recordCall, type AwsRouteConfig } from '../aws-operation';
import { sendAwsError } from '../protocol';
import type { SimulatorState } from '../state';
import { putEvents } from './put-events';

const TARGET_PREFIX = 'AWSEvents.';

export function registerEventBridgeRoutes(
  app: FastifyInstance,
  state: SimulatorState,
  log?: (line: string) => void,
): void {
  const config: AwsRouteConfig = { service: 'eventbridge', operation: 'PutEvents' };
  const handlePutEvents = awsOperation(state, config, (request) => putEvents(state, request.body), log);
  app.post('/', { config }, async function (request, reply) {
    const target = request.headers['x-amz-target'];
    if (target === `${TARGET_PREFIX}PutEvents`) return handlePutEvents.call(this, request, reply);
    const startedAt = performance.now();
    const operation = typeof target === 'string' ? target.replace(TARGET_PREFIX, '') : '(no X-Amz-Target)';
    sendAwsError(
      reply,
      new AwsError(
        'eventbridge',
        'UnknownOperationException',
        `The simulator does not implement ${operation}`,
        400,
      ),
    );
    recordCall(state, reply, { operation: 'Unknown', startedAt, log });
    return reply;
  });
}
