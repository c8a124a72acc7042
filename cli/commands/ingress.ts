import { Client, Connection } from '@temporalio/client';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig, type Config } from '../../worker/config';
import {
  createIngressMetrics,
  DEFAULT_SQS_SETTINGS,
  startIngress,
  startSqsIngress,
  startStatusServer,
  temporalReachable,
} from '../../ingress';
import { createSqsClient } from '../../worker/aws-clients';
import { createLogger, type Logger } from '../../worker/logger';
import { onShutdownSignals, Stack } from '../../worker/shutdown';
import { clientConnectionOptions } from '../../worker/temporal-connection';
import { startTracing, tracingClientInterceptors, tracingLine } from '../../worker/tracing';
import { parsePort, parsePositiveInt } from '../options';

interface IngressOptions {
  host?: string;
  port?: number;
  sqs?: string;
  deadLetterQueue?: string;
  concurrency: number;
  batchSize: number;
  waitSeconds: number;
}

const intIn = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InvalidArgumentError(`expected an integer ${min}..${max}, got "${value}"`);
  }
  return n;
};

export function registerIngressCommand(program: Command): void {
  program
    .command('ingress')
    .description(
      'Serve POST /events for an EventBridge API destination (INGRESS_HOST, INGRESS_PORT, INGRESS_API_KEY), ' +
        'or with --sqs pull the events from an SQS queue',
    )
    .option('--host <host>', 'interface to bind (default INGRESS_HOST or 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default INGRESS_PORT or 8080)', parsePort)
    .option('--sqs <queue-url>', 'pull events from this SQS queue instead of serving POST /events')
    .option(
      '--dead-letter-queue <url>',
      "with --sqs: where malformed events go (default: the queue's redrive target)",
    )
    .option(
      '--concurrency <n>',
      'with --sqs: receive loops at once',
      parsePositiveInt,
      DEFAULT_SQS_SETTINGS.concurrency,
    )
    .option(
      '--batch-size <n>',
      'with --sqs: messages per receive, 1..10',
      intIn(1, 10),
      DEFAULT_SQS_SETTINGS.batchSize,
    )
    .option(
      '--wait-seconds <n>',
      'with --sqs: long polling, 0..20 s',
      intIn(0, 20),
      DEFAULT_SQS_SETTINGS.waitTimeSeconds,
    )
    .action(async (options: IngressOptions) => {
      const config = loadConfig();
      const logger = createLogger(config.logLevel, 'ingress', { format: config.logFormat });
      // Start, stop and where to reach it are said whatever LOG_LEVEL (as before the logger
      // carried them): scripts and people wait for these lines.
      const lifecycle = createLogger('info', 'ingress', { format: config.logFormat });
      const log = (line: string) => lifecycle.info(line);
      const shutdown = onShutdownSignals(log);
      const stack = new Stack();
      try {
        // First in, last out: spans of the last requests are still exported.
        const tracing = config.tracing && startTracing(config.tracing, 'connect-remediator-ingress');
        if (tracing) stack.add('tracing', () => tracing.shutdown());
        // Lazy: the ingress runs even while Temporal is down (answering 503 so EventBridge
        // retries, or leaving SQS messages queued) instead of refusing until someone restarts it.
        const connection = Connection.lazy(clientConnectionOptions(config.temporal));
        stack.add('Temporal connection', () => connection.close());
        const client = new Client({
          connection,
          namespace: config.temporal.namespace,
          interceptors: tracingClientInterceptors(tracing),
        });
        const ingress = {
          ...config.ingress,
          host: options.host ?? config.ingress.host,
          port: options.port ?? config.ingress.port,
        };
        if (options.sqs) await runSqs(options.sqs, options, { config, client, ingress, logger, stack, log });
        else {
          const running = await startIngress({ client, temporal: config.temporal, ingress, logger });
          stack.add('ingress', () => running.close());
          log(`listening on ${running.url} — POST ${running.url}/events, GET /healthz /readyz /metrics`);
        }
        log(`starting runs on task queue "${config.temporal.taskQueue}" at ${config.temporal.address}`);
        log(tracingLine(tracing));
        if (!(await temporalReachable(client, config.temporal.namespace))) {
          log(
            `Temporal at ${config.temporal.address} is not reachable yet: ` +
              (options.sqs ? 'events stay in the queue until it is' : 'POST /events answers 503 until it is'),
          );
        }
        await shutdown.requested;
      } finally {
        await stack.stopAll(log);
        shutdown.dispose();
      }
    });
}

async function runSqs(
  queueUrl: string,
  options: IngressOptions,
  context: {
    config: Config;
    client: Client;
    ingress: Config['ingress'];
    logger: Logger;
    stack: Stack;
    log: (line: string) => void;
  },
): Promise<void> {
  const { config, client, stack, log } = context;
  const sqs = createSqsClient(config.aws);
  stack.add('SQS client', async () => sqs.destroy());
  const metrics = createIngressMetrics();
  const status = await startStatusServer({
    client,
    namespace: config.temporal.namespace,
    metrics,
    host: context.ingress.host,
    port: context.ingress.port,
  });
  stack.add('status server', () => status.close());
  const consumer = await startSqsIngress({
    sqs,
    client,
    target: config.temporal,
    metrics,
    logger: context.logger,
    settings: {
      ...DEFAULT_SQS_SETTINGS,
      queueUrl,
      ...(options.deadLetterQueue ? { deadLetterQueueUrl: options.deadLetterQueue } : {}),
      concurrency: options.concurrency,
      batchSize: options.batchSize,
      waitTimeSeconds: options.waitSeconds,
    },
  });
  stack.add('SQS ingress', () => consumer.stop());
  log(`pulling events from ${queueUrl} (${options.concurrency} × ${options.batchSize} per receive)`);
  log(`malformed events go to ${consumer.deadLetterQueueUrl}`);
  log(`GET ${status.url}/healthz /readyz /metrics`);
}
