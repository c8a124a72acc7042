/**
 * `npx cdk synth` / `npx cdk deploy` in infra/: one stack, ConnectRemediator. Choose the delivery
 * with `-c delivery=http|sqs` (cdk.json: sqs); account values are stack parameters
 * (`--parameters ConnectInstanceArn=… --parameters PutEventsBusArns=…`).
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';

buildApp(new App());
