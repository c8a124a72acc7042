/**
 * The embedded default (`connect-remediator dev`, i.e. `npm start`): a Temporal dev server with
 * SQLite under .data/ and the Web UI, plus the worker — all in one process tree that stops together.
 */
import path from 'node:path';
import { describeCliSource, resolveTemporalCli } from '../scripts/temporal-cli';
import { createActivities } from '../activities';
import { createAwsClients } from './aws-clients';
import type { Config } from './config';
import { Stack } from './shutdown';
import { startDevServer } from './temporal-dev-server';
import { connectWorker } from './temporal-connection';
import { createRemediationWorker } from './worker';

export interface DevStackHandle {
  temporalAddress: string;
  webUiUrl?: string;
  /** Resolves when the worker stops (shutdown requested or the worker failed). */
  workerDone: Promise<void>;
  stop(): Promise<void>;
}

export interface DevStackPorts {
  frontendPort: number;
  uiPort: number;
}

export async function startDevStack(
  config: Config,
  log: (line: string) => void,
  ports: DevStackPorts = { frontendPort: 7233, uiPort: 8233 },
): Promise<DevStackHandle> {
  const stack = new Stack();
  try {
    let temporal = config.temporal;
    let webUiUrl: string | undefined = config.temporal.webUiUrl;
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
        port: ports.frontendPort,
        ui: true,
        uiPort: ports.uiPort,
      });
      stack.add('Temporal dev server', () => server.stop());
      temporal = { ...config.temporal, address: server.address };
      webUiUrl = server.uiUrl;
      log(
        `Temporal dev server on ${server.address} (SQLite: ${path.join(config.dataDir, 'temporal.sqlite')})`,
      );
    } else {
      log(`Using the Temporal server at ${temporal.address} (TEMPORAL_ADDRESS)`);
    }

    const connection = await connectWorker(temporal);
    stack.add('Temporal connection', () => connection.close());
    const aws = createAwsClients(config.aws);
    const worker = await createRemediationWorker({
      connection,
      namespace: temporal.namespace,
      taskQueue: temporal.taskQueue,
      activities: createActivities(aws),
    });
    const workerDone = worker.run();
    stack.add('worker', async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerDone.catch(() => undefined);
    });
    log(`Worker polling task queue "${temporal.taskQueue}" in namespace "${temporal.namespace}"`);
    if (webUiUrl) log(`Temporal Web UI: ${webUiUrl}`);
    return {
      temporalAddress: temporal.address,
      webUiUrl,
      workerDone,
      stop: () => stack.stopAll(log),
    };
  } catch (err) {
    // Whatever started before the failure (e.g. the server when the worker cannot bundle) stops.
    await stack.stopAll(log);
    throw err;
  }
}
