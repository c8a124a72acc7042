/**
 * `dev --sqs`: the SQS path on a laptop. Without a queue URL it creates `connect-remediator-events`
 * and its dead-letter queue (redrive after 10 receives) in the simulator — the shape the CDK app
 * deploys — and runs the SQS ingress on it next to the HTTP one.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Client } from '@temporalio/client';
import { createIngressMetrics, DEFAULT_SQS_SETTINGS, startSqsIngress } from '../ingress';
import type { StartTarget } from '../ingress/start-remediation';
import type { Logger } from '../worker/logger';

export const DEV_QUEUE_NAME = 'connect-remediator-events';
const DEV_MAX_RECEIVE_COUNT = 10;

export async function createDevQueues(sqs: SQSClient): Promise<string> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${DEV_QUEUE_NAME}-dlq` }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: DEV_QUEUE_NAME,
      Attributes: {
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: Attributes?.QueueArn,
          maxReceiveCount: DEV_MAX_RECEIVE_COUNT,
        }),
      },
    }),
  );
  return queue.QueueUrl!;
}

export async function startDevSqsPath(options: {
  sqs: SQSClient;
  /** Absent: create the dev queues (on the simulator). */
  queueUrl?: string;
  client: Client;
  target: StartTarget;
  logger: Logger;
}) {
  const queueUrl = options.queueUrl ?? (await createDevQueues(options.sqs));
  const ingress = await startSqsIngress({
    sqs: options.sqs,
    client: options.client,
    target: options.target,
    metrics: createIngressMetrics(),
    logger: options.logger,
    settings: { ...DEFAULT_SQS_SETTINGS, queueUrl },
  });
  return { queueUrl, deadLetterQueueUrl: ingress.deadLetterQueueUrl, stop: () => ingress.stop() };
}
