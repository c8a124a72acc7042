/** Amazon Connect's REST-JSON routes, with the methods and paths the AWS SDK v3 sends. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { awsOperation, type AwsRouteConfig } from '../aws-operation';
import type { SimulatorState } from '../state';
import type { ConnectOperation } from '../types';
import { describeRule } from './describe-rule';
import { getCurrentMetricData } from './get-current-metric-data';
import { listQueues } from './list-queues';
import { startTaskContact } from './start-task-contact';
import { stopContact } from './stop-contact';

type Params = Record<string, string>;
const paramsOf = (request: FastifyRequest) => request.params as Params;

const ROUTES: {
  method: 'GET' | 'PUT' | 'POST';
  url: string;
  operation: ConnectOperation;
  handle: (state: SimulatorState, request: FastifyRequest) => unknown;
}[] = [
  {
    method: 'PUT',
    url: '/contact/task',
    operation: 'StartTaskContact',
    handle: (state, request) => startTaskContact(state, request.body),
  },
  {
    method: 'POST',
    url: '/contact/stop',
    operation: 'StopContact',
    handle: (state, request) => stopContact(state, request.body),
  },
  {
    method: 'GET',
    url: '/rules/:InstanceId/:RuleId',
    operation: 'DescribeRule',
    handle: (state, request) => describeRule(state, paramsOf(request)),
  },
  {
    method: 'POST',
    url: '/metrics/current/:InstanceId',
    operation: 'GetCurrentMetricData',
    handle: (state, request) => getCurrentMetricData(state, request.body, paramsOf(request).InstanceId ?? ''),
  },
  {
    method: 'GET',
    url: '/queues-summary/:InstanceId',
    operation: 'ListQueues',
    handle: (state, request) => listQueues(state, { ...(request.query as object), ...paramsOf(request) }),
  },
];

export function registerConnectRoutes(
  app: FastifyInstance,
  state: SimulatorState,
  log?: (line: string) => void,
): void {
  for (const route of ROUTES) {
    const config: AwsRouteConfig = { service: 'connect', operation: route.operation };
    app.route({
      method: route.method,
      url: route.url,
      config,
      handler: awsOperation(state, config, (request) => route.handle(state, request), log),
    });
  }
}
