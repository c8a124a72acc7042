/**
 * `npx cdk synth` / `npx cdk deploy` in infra/: the AWS side, stack ConnectRemediator (choose the
 * delivery with `-c delivery=http|sqs`, cdk.json: sqs; account values are stack parameters,
 * `--parameters ConnectInstanceArn=… --parameters PutEventsBusArns=…`), and with `-c engine=true`
 * the engine on ECS Fargate, stack ConnectRemediatorEngine (docs/deploying.md, "The engine stack").
 */
import { App } from 'aws-cdk-lib';
import { buildStacks } from '../lib/app';

buildStacks(new App());
