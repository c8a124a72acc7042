/**
 * The JSON-protocol endpoint: every call is `POST /`, the operation named by `X-Amz-Target` —
 * EventBridge's PutEvents (JSON 1.1, `AWSEvents.`) and CloudWatch's GetMetricData (JSON 1.0, the
 * protocol @aws-sdk/client-cloudwatch sends, `GraniteServiceVersion20100801.`).
 */
import type { FastifyInstance } from 'fastify';
import { AwsError } from '../aws-errors';
import { awsOperation, recordCall, type AwsRouteConfig } from '../aws-operation';
import { getMetricData } from '../cloudwatch/get-metric-data';
import { sendAwsError } from '../protocol';
import type { SimulatorState } from '../state';
import { putEvents } from './put-events';

const EVENTBRIDGE_TARGET = 'AWSEvents.';
const CLOUDWATCH_TARGET = 'GraniteServiceVersion20100801.';

export function registerEventBridgeRoutes(
  app: FastifyInstance,
  state: SimulatorState,
  log?: (line: string) => void,
): void {
  const config: AwsRouteConfig = { service: 'eventbridge', operation: 'PutEvents' };
  const cloudWatch: AwsRouteConfig = { service: 'cloudwatch', operation: 'GetMetricData' };
  const handlers = new Map([
    [
      `${EVENTBRIDGE_TARGET}PutEvents`,
      awsOperation(state, config, (request) => putEvents(state, request.body), log),
    ],
    [
      `${CLOUDWATCH_TARGET}GetMetricData`,
      awsOperation(state, cloudWatch, (request) => getMetricData(state, request.body), log),
    ],
  ]);
  app.post('/', { config }, async function (request, reply) {
    const target = request.headers['x-amz-target'];
    const handler = typeof target === 'string' ? handlers.get(target) : undefined;
    if (handler) return handler.call(this, request, reply);
    const startedAt = performance.now();
    const cloudWatchCall = typeof target === 'string' && target.startsWith(CLOUDWATCH_TARGET);
    const operation =
      typeof target === 'string'
        ? target.replace(EVENTBRIDGE_TARGET, '').replace(CLOUDWATCH_TARGET, '')
        : '(no X-Amz-Target)';
    sendAwsError(
      reply,
      new AwsError(
        cloudWatchCall ? 'cloudwatch' : 'eventbridge',
        'UnknownOperationException',
        `The simulator does not implement ${operation}`,
        400,
      ),
    );
    recordCall(state, reply, { operation: 'Unknown', startedAt, log });
    return reply;
  });
}
