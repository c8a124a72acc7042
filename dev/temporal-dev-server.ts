/**
 * Starts the Temporal CLI dev server (real server, SQLite persistence, Web UI) through
 * @temporalio/testing, which also owns the process: `stop()` shuts it down, and the SDK's download
 * is the last-resort way to obtain the binary.
 */
import net from 'node:net';
import path from 'node:path';
import fs from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { HOW_TO_GET_TEMPORAL_CLI, TemporalCliUnavailableError, type TemporalCliSource } from './temporal-cli';
import { REMEDIATION_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import type { Logger } from '../worker/logger';
import { captureServerOutput, type CapturedServerOutput } from './server-output';

/**
 * The capacity waiting rooms rely on task-queue priority (Temporal's newer matcher, the default on
 * Temporal Cloud); a dev server is one process, so one partition per task queue also keeps each
 * room in exact arrival order within a priority (docs/capacity-gate.md says what clusters do).
 */
export const DEV_SERVER_DYNAMIC_CONFIG = [
  'matching.useNewMatcher=true',
  'matching.numTaskqueueReadPartitions=1',
  'matching.numTaskqueueWritePartitions=1',
];

export interface DevServerOptions {
  cli: TemporalCliSource;
  cacheDir: string;
  namespace: string;
  /** SQLite file; omitted = in-memory (tests). */
  dbFilename?: string;
  ip?: string;
  /** Omitted = a free port. */
  port?: number;
  ui?: boolean;
  uiPort?: number;
  /**
   * Where the server's banner and log lines go (`dev`: one format in its terminal); omitted, or
   * with the SDK's download, they go to our stdout and stderr as the CLI writes them.
   */
  logger?: Logger;
}

export interface RunningDevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  env: TestWorkflowEnvironment;
  stop(): Promise<void>;
}

export async function assertPortFree(host: string, port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `${what}: port ${port} on ${host} is already in use (is another \`npm start\` or Temporal server running?)`
            : `${what}: cannot listen on ${host}:${port}: ${err.message}`,
        ),
      ),
    );
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/**
 * The ports the OS hands out to outgoing connections (Linux reads it from procfs; elsewhere the
 * IANA range, which macOS and Windows use).
 */
function outgoingPortRange(): { low: number; high: number } {
  try {
    const [low, high] = fs
      .readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low && high) return { low, high };
  } catch {
    // not Linux
  }
  return { low: 49152, high: 65535 };
}

/** Lowest port freePort picks: above the well-known and most registered services' ports. */
const LOWEST_PICKED_PORT = 10_000;

function bindable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * A port free now for a process about to be started on it, picked below the range the OS hands
 * out to outgoing connections: a port from that range (what listening on port 0 gives) can be
 * taken by any connection opened before the process binds it — with SDK workers and clients
 * opening connections all the time, a test saw EADDRINUSE that way. Falls back to port 0's pick
 * when that range starts too low to leave room below it.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const { low } = outgoingPortRange();
  const span = low - LOWEST_PICKED_PORT;
  for (let tries = 0; span >= 1_000 && tries < 50; tries++) {
    const port = LOWEST_PICKED_PORT + Math.floor(Math.random() * span);
    if (await bindable(host, port)) return port;
  }
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen({ host, port: 0 }, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export async function startDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port ?? (await freePort(ip));
  const uiPort = options.ui ? (options.uiPort ?? (await freePort(ip))) : undefined;
  if (options.port !== undefined) await assertPortFree(ip, port, 'Temporal frontend');
  if (uiPort !== undefined && options.uiPort !== undefined)
    await assertPortFree(ip, uiPort, 'Temporal Web UI');
  if (options.dbFilename) fs.mkdirSync(path.dirname(options.dbFilename), { recursive: true });

  const captured: CapturedServerOutput | undefined =
    options.logger && options.cli.kind === 'path'
      ? captureServerOutput(options.cli.path, options.logger)
      : undefined;
  const executable =
    options.cli.kind === 'path'
      ? ({ type: 'existing-path', path: captured?.executable ?? options.cli.path } as const)
      : ({ type: 'cached-download', downloadDir: path.join(options.cacheDir, 'sdk-download') } as const);

  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable,
        ip,
        port,
        namespace: options.namespace,
        dbFilename: options.dbFilename,
        ui: options.ui ?? false,
        uiPort,
        searchAttributes: [...REMEDIATION_SEARCH_ATTRIBUTES],
        extraArgs: DEV_SERVER_DYNAMIC_CONFIG.flatMap((setting) => ['--dynamic-config-value', setting]),
        // Its warnings are about the server's own tuning (e.g. every waiting-room poll shorter than
        // 20 s, which the capacity gate makes on purpose); errors still show.
        // JSON when captured: each line becomes a record of our log with its level and fields.
        log: { format: captured ? 'json' : 'pretty', level: 'error' },
      },
    });
  } catch (err) {
    captured?.close();
    if (options.cli.kind === 'sdk-download') {
      throw new TemporalCliUnavailableError(
        `No Temporal CLI was found and the SDK could not download one (${(err as Error).message}). ${HOW_TO_GET_TEMPORAL_CLI}`,
      );
    }
    throw err;
  }
  return {
    address: `${ip}:${port}`,
    namespace: options.namespace,
    uiUrl: uiPort !== undefined ? `http://${ip === '127.0.0.1' ? 'localhost' : ip}:${uiPort}` : undefined,
    env,
    stop: async () => {
      try {
        await env.teardown();
      } finally {
        captured?.close();
      }
    },
  };
}
