import { Client, Connection } from '@temporalio/client';
import type { Command } from 'commander';
import { loadConfig } from '../../worker/config';
import { createLogger } from '../../worker/logger';
import { startRemediationWorker } from '../../worker/remediation-worker';
import { installTemporalRuntime } from '../../worker/runtime';
import { onShutdownSignals, Stack } from '../../worker/shutdown';
import { clientConnectionOptions, connectWorker } from '../../worker/temporal-connection';
import { startTracing, tracingClientInterceptors, tracingLine } from '../../worker/tracing';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Run a worker against TEMPORAL_ADDRESS (scale out by running more of them)')
    .action(async () => {
      const config = loadConfig();
      const logger = createLogger(config.logLevel, 'worker', { format: config.logFormat });
      // Start, stop and where to reach it are said whatever LOG_LEVEL (as before the logger
      // carried them): scripts and people wait for these lines.
      const lifecycle = createLogger('info', 'worker', { format: config.logFormat });
      const log = (line: string) => lifecycle.info(line);
      const shutdown = onShutdownSignals(log);
      // A metrics port that cannot be bound stops the worker: a production worker must be scrapeable.
      installTemporalRuntime(config.logLevel, {
        metrics: config.workerMetrics,
        logger: createLogger(config.logLevel, 'temporal', { format: config.logFormat }),
      });
      const stack = new Stack();
      try {
        // First in, last out: spans of the shutdown itself are still exported.
        const tracing = config.tracing && startTracing(config.tracing, 'connect-remediator-worker');
        if (tracing) stack.add('tracing', () => tracing.shutdown());
        const clientConnection = await Connection.connect(clientConnectionOptions(config.temporal));
        stack.add('Temporal client connection', () => clientConnection.close());
        const workerConnection = await connectWorker(config.temporal);
        stack.add('Temporal worker connection', () => workerConnection.close());
        const worker = await startRemediationWorker({
          config,
          connection: workerConnection,
          client: new Client({
            connection: clientConnection,
            namespace: config.temporal.namespace,
            interceptors: tracingClientInterceptors(tracing),
          }),
          logger,
          ...(tracing ? { tracing } : {}),
        });
        stack.add('worker', () => worker.stop());
        log(`polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address}`);
        log(`policies: ${config.policiesFile} (set ${worker.policies.current().hash})`);
        log(
          config.workerMetrics
            ? `metrics on ${config.workerMetrics.url}`
            : 'metrics off (WORKER_METRICS_PORT=off)',
        );
        log(tracingLine(tracing));
        await Promise.race([shutdown.requested, worker.running]);
      } finally {
        await stack.stopAll(log);
        shutdown.dispose();
      }
    });
}
