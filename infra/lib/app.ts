/**
 * The app's stacks, built from context (checked, with clear errors): always the AWS side
 * (ConnectRemediator, `delivery`), and with `-c engine=true` the engine on ECS Fargate
 * (ConnectRemediatorEngine, engine-context.ts), which uses the first stack's queues and policies.
 */
import { DefaultStackSynthesizer, LegacyStackSynthesizer, type App } from 'aws-cdk-lib';
import { engineRequested, engineSettings } from './engine-context';
import { ConnectRemediatorEngineStack } from './engine-stack';
import { ConnectRemediatorStack, DELIVERIES, type Delivery } from './stack';

export const STACK_NAME = 'ConnectRemediator';
export const ENGINE_STACK_NAME = 'ConnectRemediatorEngine';

export function deliveryOf(value: unknown): Delivery {
  if (DELIVERIES.includes(value as Delivery)) return value as Delivery;
  throw new Error(
    `context "delivery": expected ${DELIVERIES.map((d) => `"${d}"`).join(' or ')} ` +
      `(-c delivery=sqs), got ${JSON.stringify(value)}`,
  );
}

export interface Stacks {
  aws: ConnectRemediatorStack;
  engine?: ConnectRemediatorEngineStack;
}

export function buildStacks(app: App, options: { assetDirectory?: string } = {}): Stacks {
  const read = (key: string): unknown => app.node.tryGetContext(key);
  const delivery = deliveryOf(read('delivery') ?? 'sqs');
  const aws = new ConnectRemediatorStack(app, STACK_NAME, {
    delivery,
    // No assets, so no bootstrap stack is needed: the template goes to CloudFormation directly and
    // the whole AWS side is one `cdk deploy` in a fresh account.
    synthesizer: new LegacyStackSynthesizer(),
    analyticsReporting: false,
    description:
      'connect-remediator: the EventBridge rule, delivery, dead-letter queue, alarms and IAM policies',
  });
  if (!engineRequested(read)) return { aws };
  const settings = engineSettings(read, delivery);
  const engine = new ConnectRemediatorEngineStack(app, ENGINE_STACK_NAME, {
    aws,
    settings,
    ...(options.assetDirectory ? { assetDirectory: options.assetDirectory } : {}),
    // An image URI needs no bootstrap either; building the image (`-c image=asset`) needs the
    // bootstrap stack's ECR repository, so only then the default synthesizer.
    synthesizer:
      settings.image.kind === 'asset' ? new DefaultStackSynthesizer() : new LegacyStackSynthesizer(),
    analyticsReporting: false,
    description: `connect-remediator engine: worker and ${delivery === 'sqs' ? 'SQS' : 'HTTP'} ingress on ECS Fargate`,
  });
  return { aws, engine };
}

/** The AWS side (the stack every deployment has); the engine stack, when asked for, is in `app`. */
export function buildApp(app: App): ConnectRemediatorStack {
  return buildStacks(app).aws;
}
