/**
 * Real AWS SDK clients. With CONNECT_ENDPOINT / EVENTBRIDGE_ENDPOINT / SQS_ENDPOINT set they talk to the simulator
 * (dummy credentials, since it does not check signatures); otherwise to AWS with the SDK's default
 * credential chain.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ConnectClient } from '@aws-sdk/client-connect';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { countAwsCalls } from './aws-call-metrics';
import { traceAwsCalls } from './aws-call-spans';
import type { Config } from './config';

const SIMULATOR_CREDENTIALS = { accessKeyId: 'simulator', secretAccessKey: 'simulator' };

// One HTTP attempt per call: retries belong to Temporal (activity retry policy for network faults,
// the remediation policy's durable backoff for AWS's answers), where they are visible and durable.
// The SDK's own silent retries would multiply calls during a throttling or quota storm.
const MAX_ATTEMPTS = 1;

/**
 * Every call is counted (worker/aws-call-metrics.ts); `traced`: a span per call too
 * (worker/aws-call-spans.ts), for a process with tracing on.
 */
export function createAwsClients(aws: Config['aws'], options: { traced?: boolean } = {}) {
  const connect = new ConnectClient({
    region: aws.region,
    maxAttempts: MAX_ATTEMPTS,
    ...(aws.connectEndpoint ? { endpoint: aws.connectEndpoint, credentials: SIMULATOR_CREDENTIALS } : {}),
  });
  const eventBridge = new EventBridgeClient({
    region: aws.region,
    maxAttempts: MAX_ATTEMPTS,
    ...(aws.eventBridgeEndpoint
      ? { endpoint: aws.eventBridgeEndpoint, credentials: SIMULATOR_CREDENTIALS }
      : {}),
  });
  // The simulator serves CloudWatch's GetMetricData too: an overridden Connect endpoint (a
  // simulator or local stack) is where the task-quota metrics come from unless CLOUDWATCH_ENDPOINT says.
  const cloudWatchEndpoint = aws.cloudWatchEndpoint ?? aws.connectEndpoint;
  const cloudWatch = new CloudWatchClient({
    region: aws.region,
    maxAttempts: MAX_ATTEMPTS,
    ...(cloudWatchEndpoint ? { endpoint: cloudWatchEndpoint, credentials: SIMULATOR_CREDENTIALS } : {}),
  });
  countAwsCalls(connect, 'Connect');
  countAwsCalls(eventBridge, 'EventBridge');
  countAwsCalls(cloudWatch, 'CloudWatch');
  if (options.traced) {
    traceAwsCalls(connect, 'Connect');
    traceAwsCalls(eventBridge, 'EventBridge');
    traceAwsCalls(cloudWatch, 'CloudWatch');
  }
  return { connect, eventBridge, cloudWatch };
}

/**
 * The SQS client of the SQS ingress and `dlq replay`. Unlike the worker's clients it keeps the SDK's
 * retries: these calls are not inside a Temporal activity, and a failed delete only means a
 * redelivery (a duplicate, which is a no-op).
 */
export function createSqsClient(aws: Config['aws']): SQSClient {
  return new SQSClient({
    region: aws.region,
    ...(aws.sqsEndpoint ? { endpoint: aws.sqsEndpoint, credentials: SIMULATOR_CREDENTIALS } : {}),
  });
}
