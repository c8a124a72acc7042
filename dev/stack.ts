/**
 * The embedded default (`connect-remediator dev`, i.e. `npm start`): a Temporal dev server with
 * SQLite under .data/ and the Web UI, the Connect + EventBridge simulator, the worker and the
 * ingress — one process tree that starts in order and stops in reverse.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { describeCliSource, resolveTemporalCli } from './temporal-cli';
import { startSimulator } from '../simulator';
import type { Config } from '../worker/config';
import { startIngress } from '../ingress';
import { createSqsClient } from '../worker/aws-clients';
import { startDevSqsPath } from './sqs-path';
import { createLogger } from '../worker/logger';
import { startRemediationWorker } from '../worker/remediation-worker';
import { Stack } from '../worker/shutdown';
import { startDevServer } from './temporal-dev-server';
import { clientConnectionOptions, connectWorker } from '../worker/temporal-connection';
import { startTracing, tracingClientInterceptors, tracingLine } from '../worker/tracing';

export interface DevStackHandle {
  temporalAddress: string;
  webUiUrl?: string;
  ingressUrl: string;
  simulatorEndpoint?: string;
  /** With the SQS path on: the queue the SQS ingress pulls from. */
  sqsQueueUrl?: string;
  /** Resolves when the worker stops (shutdown requested or the worker failed). */
  workerDone: Promise<void>;
  stop(): Promise<void>;
}

export interface DevStackOptions {
  frontendPort: number;
  uiPort: number;
  /** Run the simulator and point the AWS clients at it (unless endpoints are configured). */
  simulator: boolean;
  /** Also run the SQS ingress: true creates the dev queues (in the simulator), a string is a queue URL. */
  sqs?: boolean | string;
}

export async function startDevStack(
  config: Config,
  log: (line: string) => void,
  options: DevStackOptions = { frontendPort: 7233, uiPort: 8233, simulator: true },
): Promise<DevStackHandle> {
  const stack = new Stack();
  // Each part under its own name, as when it runs alone (`worker`, `ingress`, `simulator`).
  const named = (name: string) => createLogger(config.logLevel, name, { format: config.logFormat });
  const workerLogger = named('worker');
  const ingressLogger = named('ingress');
  try {
    // First in, last out. One process, one service name for the worker and the ingress.
    const tracing = config.tracing && startTracing(config.tracing, 'connect-remediator');
    if (tracing) stack.add('tracing', () => tracing.shutdown());
    let temporal = config.temporal;
    if (!config.temporal.addressExplicit) {
      const cli = await resolveTemporalCli({
        explicitPath: config.temporalCli,
        cacheDir: config.cacheDir,
        log,
      });
      log(describeCliSource(cli));
      const server = await startDevServer({
        cli,
        cacheDir: config.cacheDir,
        namespace: config.temporal.namespace,
        dbFilename: path.join(config.dataDir, 'temporal.sqlite'),
        port: options.frontendPort,
        ui: true,
        uiPort: options.uiPort,
        logger: named('temporal-server'),
      });
      stack.add('Temporal dev server', () => server.stop());
      temporal = {
        ...config.temporal,
        address: server.address,
        webUiUrl: server.uiUrl ?? config.temporal.webUiUrl,
      };
      log(
        `Temporal dev server on ${server.address} (SQLite: ${path.join(config.dataDir, 'temporal.sqlite')})`,
      );
    } else {
      log(`Using the Temporal server at ${temporal.address} (TEMPORAL_ADDRESS)`);
    }

    let aws = config.aws;
    let simulatorEndpoint: string | undefined;
    const endpointsConfigured = Boolean(config.aws.connectEndpoint || config.aws.eventBridgeEndpoint);
    if (options.simulator && !endpointsConfigured) {
      const simulatorLogger = named('simulator');
      const simulator = await startSimulator({
        port: config.simulator.port,
        log: (l) => simulatorLogger.info(l),
      });
      stack.add('simulator', () => simulator.stop());
      simulatorEndpoint = simulator.endpoint;
      aws = {
        ...config.aws,
        connectEndpoint: simulator.endpoint,
        eventBridgeEndpoint: simulator.endpoint,
        sqsEndpoint: config.aws.sqsEndpoint ?? simulator.endpoint,
      };
      log(
        `Connect + EventBridge simulator on ${simulator.endpoint} (state: ${simulator.endpoint}/_sim/state)`,
      );
    } else {
      log(
        endpointsConfigured ? `AWS endpoints from CONNECT_ENDPOINT / EVENTBRIDGE_ENDPOINT` : 'Using real AWS',
      );
    }

    const clientConnection = await Connection.connect(clientConnectionOptions(temporal));
    stack.add('Temporal client connection', () => clientConnection.close());
    const client = new Client({
      connection: clientConnection,
      namespace: temporal.namespace,
      interceptors: tracingClientInterceptors(tracing),
    });
    const workerConnection = await connectWorker(temporal);
    stack.add('Temporal worker connection', () => workerConnection.close());
    const worker = await startRemediationWorker({
      config: { ...config, temporal, aws },
      connection: workerConnection,
      client,
      logger: workerLogger,
      ...(tracing ? { tracing } : {}),
    });
    stack.add('worker', () => worker.stop());
    log(`Worker polling task queue "${temporal.taskQueue}" in namespace "${temporal.namespace}"`);
    log(
      `Policies: ${config.policiesFile} (set ${worker.policies.current().hash}; edits apply without a restart)`,
    );

    const ingress = await startIngress({ client, temporal, ingress: config.ingress, logger: ingressLogger });
    stack.add('ingress', () => ingress.close());
    log(
      `Ingress: POST ${ingress.url}/events (try: npx connect-remediator submit test/fixtures/events/seed-failure-event.json)`,
    );
    let sqsQueueUrl: string | undefined;
    if (options.sqs) {
      // Creating queues is for the simulator only, never silently in someone's AWS account.
      if (options.sqs === true && !aws.sqsEndpoint) {
        throw new Error(
          'dev --sqs without a queue URL creates its queues in the simulator: give --sqs <queue-url> to use AWS',
        );
      }
      const sqs = createSqsClient(aws);
      stack.add('SQS client', () => sqs.destroy());
      const path = await startDevSqsPath({
        sqs,
        ...(typeof options.sqs === 'string' ? { queueUrl: options.sqs } : {}),
        client,
        target: temporal,
        logger: ingressLogger,
      });
      stack.add('SQS ingress', () => path.stop());
      sqsQueueUrl = path.queueUrl;
      log(`SQS ingress: pulling from ${path.queueUrl} (malformed events to ${path.deadLetterQueueUrl})`);
    }
    log(`Temporal Web UI: ${temporal.webUiUrl}`);
    log(tracingLine(tracing));
    return {
      sqsQueueUrl,
      temporalAddress: temporal.address,
      webUiUrl: temporal.webUiUrl,
      ingressUrl: ingress.url,
      simulatorEndpoint,
      workerDone: worker.running,
      stop: () => stack.stopAll(log),
    };
  } catch (err) {
    // Whatever started before the failure (e.g. the server when the worker cannot start) stops.
    await stack.stopAll(log);
    throw err;
  }
}
