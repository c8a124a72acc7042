import type { Command } from 'commander';
import { loadConfig } from '../../worker/config';
import { startDevStack } from '../../dev/stack';
import { installTemporalRuntime } from '../../worker/runtime';
import { onShutdownSignals } from '../../worker/shutdown';
import { parsePort } from '../options';

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description(
      'Run everything locally: Temporal dev server (SQLite in .data/, Web UI), Connect + EventBridge simulator, worker, ingress',
    )
    .option('--temporal-port <port>', 'dev server frontend port', parsePort, 7233)
    .option('--ui-port <port>', 'dev server Web UI port', parsePort, 8233)
    .option('--no-simulator', 'talk to real AWS instead of the local simulator')
    .action(async (options: { temporalPort: number; uiPort: number; simulator: boolean }) => {
      const log = (line: string) => console.log(`[dev] ${line}`);
      const shutdown = onShutdownSignals(log);
      const config = loadConfig();
      installTemporalRuntime(config.logLevel);
      const stack = await startDevStack(config, log, {
        frontendPort: options.temporalPort,
        uiPort: options.uiPort,
        simulator: options.simulator,
      });
      try {
        if (shutdown.signal.aborted) return;
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
