import type { Command } from 'commander';
import type * as DevStack from '../../dev/stack';
import { loadConfig, type Config } from '../../worker/config';
import { createLogger, type Logger } from '../../worker/logger';
import { installTemporalRuntime, MetricsExporterError } from '../../worker/runtime';
import { onShutdownSignals } from '../../worker/shutdown';
import { parsePort } from '../options';

interface DevOptions {
  temporalPort: number;
  uiPort: number;
  simulator: boolean;
  sqs?: boolean | string;
}

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description(
      'Run everything locally: Temporal dev server (SQLite in .data/, Web UI), Connect + EventBridge simulator, worker, ingress',
    )
    .option('--temporal-port <port>', 'dev server frontend port', parsePort, 7233)
    .option('--ui-port <port>', 'dev server Web UI port', parsePort, 8233)
    .option('--no-simulator', 'talk to real AWS instead of the local simulator')
    .option(
      '--sqs [queue-url]',
      'also pull events from SQS: the given queue, or (with the simulator) a new connect-remediator-events queue and its DLQ',
    )
    .action(async (options: DevOptions) => {
      // The config first: its LOG_FORMAT decides how even the first line looks.
      const config = loadConfig();
      // Start, stop and where to reach it are said whatever LOG_LEVEL (as before the logger
      // carried them): scripts and people wait for these lines.
      const lifecycle = createLogger('info', 'dev', { format: config.logFormat });
      const log = (line: string) => lifecycle.info(line);
      const shutdown = onShutdownSignals(log);
      const sdkLogger = createLogger(config.logLevel, 'temporal', { format: config.logFormat });
      const metricsLine = installRuntimeForDev(config, log, sdkLogger);
      const stack = await loadDevStack().startDevStack(config, log, {
        frontendPort: options.temporalPort,
        uiPort: options.uiPort,
        simulator: options.simulator,
        ...(options.sqs !== undefined ? { sqs: options.sqs } : {}),
      });
      try {
        if (shutdown.signal.aborted) return;
        log(metricsLine);
        log('Ready. Press Ctrl-C to stop.');
        await Promise.race([
          shutdown.requested,
          stack.workerDone.then(
            () => log('worker stopped'),
            (err: unknown) => log(`worker failed: ${(err as Error).message}`),
          ),
        ]);
      } finally {
        await stack.stop();
        shutdown.dispose();
      }
    });
}

/**
 * The dev stack starts the Temporal dev server through @temporalio/testing, a development
 * dependency: loaded only when `dev` runs, so a production install (`npm ci --omit=dev`) runs
 * `worker` and `ingress` without it, and `dev` there says what is missing.
 */
function loadDevStack(): typeof DevStack {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../../dev/stack') as typeof DevStack;
  } catch (err) {
    const missing = /Cannot find module '(@temporalio\/testing)'/.exec((err as Error).message);
    if (!missing) throw err;
    throw new Error(
      `dev needs ${missing[1]}, a development dependency this install left out (npm ci --omit=dev): ` +
        'run npm install for the development tools',
    );
  }
}

/**
 * `dev` is a laptop convenience: a metrics port already taken (another clone's `npm start`) is
 * reported and the stack runs without metrics. `worker` stops instead. Returns what to tell the user.
 */
function installRuntimeForDev(config: Config, log: (line: string) => void, logger: Logger): string {
  if (!config.workerMetrics) {
    installTemporalRuntime(config.logLevel, { logger });
    return 'Worker metrics off (WORKER_METRICS_PORT=off)';
  }
  try {
    installTemporalRuntime(config.logLevel, { metrics: config.workerMetrics, logger });
    return `Worker metrics on ${config.workerMetrics.url}`;
  } catch (err) {
    if (!(err instanceof MetricsExporterError)) throw err;
    log(`${err.message} — continuing without worker metrics`);
    installTemporalRuntime(config.logLevel, { logger });
    return `Worker metrics not served (${config.workerMetrics.bindAddress} is taken, see above)`;
  }
}
