/**
 * A private, in-memory Temporal dev server for one benchmark run — obtained and started exactly as
 * the test suite does (test/global-setup.ts), so benchmarks never touch a developer's server.
 */
import { Client, Connection } from '@temporalio/client';
import { resolveTemporalCli } from '../dev/temporal-cli';
import { loadConfig } from '../worker/config';
import { installTemporalRuntime } from '../worker/runtime';
import { startDevServer } from '../dev/temporal-dev-server';

export interface BenchTemporal {
  address: string;
  namespace: string;
  client: Client;
  stop(): Promise<void>;
}

export async function startBenchTemporal(log: (line: string) => void): Promise<BenchTemporal> {
  const config = loadConfig();
  installTemporalRuntime('warn');
  const cli = await resolveTemporalCli({ explicitPath: config.temporalCli, cacheDir: config.cacheDir, log });
  const server = await startDevServer({ cli, cacheDir: config.cacheDir, namespace: 'default' });
  log(`Temporal dev server (in memory) on ${server.address}`);
  try {
    const connection = await Connection.connect({ address: server.address });
    return {
      address: server.address,
      namespace: server.namespace,
      client: new Client({ connection, namespace: server.namespace }),
      stop: async () => {
        await connection.close();
        await server.stop();
      },
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
