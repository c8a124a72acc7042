import type { Command } from 'commander';
import { loadSeedFile, startSimulator } from '../../simulator';
import { loadConfig } from '../../worker/config';
import { onShutdownSignals } from '../../worker/shutdown';
import { parsePort } from '../options';

export function registerSimulatorCommand(program: Command): void {
  program
    .command('simulator')
    .description('Run the local Amazon Connect + EventBridge simulator (admin API under /_sim)')
    .option('--port <port>', 'port to listen on (default: SIMULATOR_PORT, 4566)', parsePort)
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--seed <file>', 'JSON seed of instances, contact flows and rules (default: simulator/seed.json)')
    .option('--quiet', 'do not print a line per AWS call')
    .action(async (options: { port?: number; host: string; seed?: string; quiet?: boolean }) => {
      const log = (line: string) => console.log(`[simulator] ${line}`);
      const shutdown = onShutdownSignals(log);
      const config = loadConfig();
      const simulator = await startSimulator({
        host: options.host,
        port: options.port ?? config.simulator.port,
        config: { region: config.aws.region },
        ...(options.seed ? { seed: loadSeedFile(options.seed) } : {}),
        ...(options.quiet ? {} : { log }),
      });
      try {
        // One write, so whoever reads our output sees the endpoint and the env lines together.
        console.log(
          [
            `Simulator listening on ${simulator.endpoint}`,
            'Point the engine at it with:',
            `  CONNECT_ENDPOINT=${simulator.endpoint} EVENTBRIDGE_ENDPOINT=${simulator.endpoint}`,
            `  SQS_ENDPOINT=${simulator.endpoint}   (ingress --sqs, dlq replay)`,
            `State: ${simulator.endpoint}/_sim/state   Reset: POST ${simulator.endpoint}/_sim/reset`,
          ].join('\n'),
        );
        await shutdown.requested;
      } finally {
        await simulator.stop();
        log('stopped');
        shutdown.dispose();
      }
    });
}
