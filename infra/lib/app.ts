/** The app's one stack, built from the `delivery` context value (checked, with a clear error). */
import { LegacyStackSynthesizer, type App } from 'aws-cdk-lib';
import { ConnectRemediatorStack, DELIVERIES, type Delivery } from './stack';

export const STACK_NAME = 'ConnectRemediator';

export function deliveryOf(value: unknown): Delivery {
  if (DELIVERIES.includes(value as Delivery)) return value as Delivery;
  throw new Error(
    `context "delivery": expected ${DELIVERIES.map((d) => `"${d}"`).join(' or ')} ` +
      `(-c delivery=sqs), got ${JSON.stringify(value)}`,
  );
}

export function buildApp(app: App): ConnectRemediatorStack {
  return new ConnectRemediatorStack(app, STACK_NAME, {
    delivery: deliveryOf(app.node.tryGetContext('delivery') ?? 'sqs'),
    // No assets, so no bootstrap stack is needed: the template goes to CloudFormation directly and
    // the whole AWS side is one `cdk deploy` in a fresh account.
    synthesizer: new LegacyStackSynthesizer(),
    analyticsReporting: false,
    description:
      'connect-remediator: the EventBridge rule, delivery, dead-letter queue, alarms and IAM policies',
  });
}
