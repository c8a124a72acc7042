import type { Command } from 'commander';
import { createActivities } from '../../activities';
import { createAwsClients } from '../aws-clients';
import { loadConfig } from '../config';
import { installTemporalRuntime } from '../runtime';
import { onShutdownSignals, Stack } from '../shutdown';
import { connectWorker } from '../temporal-connection';
import { createRemediationWorker } from '../worker';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Run a worker against TEMPORAL_ADDRESS (scale by running more of them)')
    .action(async () => {
      const log = (line: string) => console.log(`[worker] ${line}`);
      const shutdown = onShutdownSignals(log);
      const config = loadConfig();
      installTemporalRuntime(config.logLevel);
      const stack = new Stack();
      try {
        const connection = await connectWorker(config.temporal);
        stack.add('Temporal connection', () => connection.close());
        const worker = await createRemediationWorker({
          connection,
          namespace: config.temporal.namespace,
          taskQueue: config.temporal.taskQueue,
          activities: createActivities(createAwsClients(config.aws)),
        });
        log(`polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address}`);
        const done = worker.run();
        await Promise.race([shutdown.requested, done]);
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await done;
      } finally {
        await stack.stopAll(log);
        shutdown.dispose();
      }
    });
}
