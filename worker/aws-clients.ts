/**
 * Real AWS SDK clients. With CONNECT_ENDPOINT / EVENTBRIDGE_ENDPOINT set they talk to the simulator
 * (dummy credentials, since it does not check signatures); otherwise to AWS with the SDK's default
 * credential chain.
 */
import { ConnectClient } from '@aws-sdk/client-connect';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Config } from './config';

const SIMULATOR_CREDENTIALS = { accessKeyId: 'simulator', secretAccessKey: 'simulator' };

export function createAwsClients(aws: Config['aws']) {
  const connect = new ConnectClient({
    region: aws.region,
    ...(aws.connectEndpoint ? { endpoint: aws.connectEndpoint, credentials: SIMULATOR_CREDENTIALS } : {}),
  });
  const eventBridge = new EventBridgeClient({
    region: aws.region,
    ...(aws.eventBridgeEndpoint
      ? { endpoint: aws.eventBridgeEndpoint, credentials: SIMULATOR_CREDENTIALS }
      : {}),
  });
  return { connect, eventBridge };
}
