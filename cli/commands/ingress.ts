import { Client, Connection } from '@temporalio/client';
import type { Command } from 'commander';
import { loadConfig } from '../../worker/config';
import { startIngress, temporalReachable } from '../../ingress';
import { createLogger } from '../../worker/logger';
import { onShutdownSignals, Stack } from '../../worker/shutdown';
import { clientConnectionOptions } from '../../worker/temporal-connection';
import { parsePort } from '../options';

export function registerIngressCommand(program: Command): void {
  program
    .command('ingress')
    .description(
      'Serve POST /events for an EventBridge API destination (INGRESS_HOST, INGRESS_PORT, INGRESS_API_KEY)',
    )
    .option('--host <host>', 'interface to bind (default INGRESS_HOST or 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default INGRESS_PORT or 8080)', parsePort)
    .action(async (options: { host?: string; port?: number }) => {
      const log = (line: string) => console.log(`[ingress] ${line}`);
      const shutdown = onShutdownSignals(log);
      const config = loadConfig();
      const logger = createLogger(config.logLevel, 'ingress');
      const stack = new Stack();
      try {
        // Lazy: the ingress listens even while Temporal is down, answering 503 so EventBridge
        // retries, instead of refusing connections until someone restarts it.
        const connection = Connection.lazy(clientConnectionOptions(config.temporal));
        stack.add('Temporal connection', () => connection.close());
        const client = new Client({ connection, namespace: config.temporal.namespace });
        const ingress = await startIngress({
          client,
          temporal: config.temporal,
          ingress: {
            ...config.ingress,
            host: options.host ?? config.ingress.host,
            port: options.port ?? config.ingress.port,
          },
          logger,
        });
        stack.add('ingress', () => ingress.close());
        log(`listening on ${ingress.url} — POST ${ingress.url}/events, GET /healthz /readyz /metrics`);
        log(`starting runs on task queue "${config.temporal.taskQueue}" at ${config.temporal.address}`);
        if (!(await temporalReachable(client, config.temporal.namespace))) {
          log(
            `Temporal at ${config.temporal.address} is not reachable yet: POST /events answers 503 until it is`,
          );
        }
        await shutdown.requested;
      } finally {
        await stack.stopAll(log);
        shutdown.dispose();
      }
    });
}
