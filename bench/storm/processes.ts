/**
 * The product's own processes, as a user starts them: `connect-remediator simulator`, `ingress`,
 * or the whole embedded stack `dev` (what `npm start` runs) — the same command, the environment
 * its README names, nothing of the benchmark's. Each is ready when it says so on its output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { freePort } from '../../dev/temporal-dev-server';
import { treeRssMb } from './worker-process';

const CLI = path.join(__dirname, '..', '..', 'bin', 'connect-remediator');
const READY_TIMEOUT_MS = 300_000;
const STOP_TIMEOUT_MS = 60_000;

export interface ProductProcess {
  pid: number;
  /** What matched the ready pattern (its first capture group when it has one). */
  ready: string;
  /** Highest resident memory (MB) of the process and its children, sampled every second. */
  peakRssMb(): number;
  /** SIGTERM (SIGKILL after a minute) or `signal`; resolves with how it ended. */
  stop(signal?: NodeJS.Signals): Promise<string>;
}

/** The environment a deployment gives it: the named variables, the basics, nothing else. */
function productEnvironment(env: Record<string, string>): NodeJS.ProcessEnv {
  const passThrough = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'XDG_CACHE_HOME', 'TEMPORAL_CLI'];
  return {
    ...Object.fromEntries(passThrough.filter((n) => process.env[n]).map((n) => [n, process.env[n]])),
    AWS_REGION: 'us-east-1',
    LOG_LEVEL: 'error',
    WORKER_METRICS_PORT: 'off',
    ...env,
  };
}

export async function startProductProcess(
  name: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  log: (line: string) => void,
): Promise<ProductProcess> {
  const child = spawn(CLI, args, { env: productEnvironment(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? `exit ${code ?? '?'}`)),
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} did not start`);
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, treeRssMb(pid))), 1_000);
  sampler.unref();
  const readyLine = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not say ${ready} within ${READY_TIMEOUT_MS / 1000} s`)),
      READY_TIMEOUT_MS,
    );
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream! }).on('line', (line) => {
        log(`${name}: ${line}`);
        const match = ready.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1] ?? match[0]);
        }
      });
    }
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready (${how})`));
    });
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    clearInterval(sampler);
    return stopChild(child, exited, signal);
  };
  try {
    return { pid, ready: await readyLine, peakRssMb: () => Math.max(peak, treeRssMb(pid)), stop };
  } catch (err) {
    await stop('SIGKILL');
    throw err;
  }
}

async function stopChild(child: ChildProcess, exited: Promise<string>, signal: NodeJS.Signals) {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill(signal);
  const timeout = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  try {
    return await exited;
  } finally {
    clearTimeout(timeout);
  }
}

/** `connect-remediator simulator` on a free port; resolves with its endpoint. */
export async function startSimulatorProcess(log: (line: string) => void) {
  const port = await freePort();
  const process = await startProductProcess(
    'simulator',
    ['simulator', '--port', String(port), '--quiet'],
    {},
    /Simulator listening on (\S+)/,
    log,
  );
  return { process, endpoint: process.ready };
}

/** `connect-remediator ingress` on a free port; resolves with its URL. */
export async function startIngressProcess(env: Record<string, string>, log: (line: string) => void) {
  const port = await freePort();
  const process = await startProductProcess(
    'ingress',
    ['ingress', '--port', String(port)],
    env,
    /listening on (\S+) —/,
    log,
  );
  return { process, url: process.ready };
}

/** `connect-remediator dev` (npm start) on free ports, its data in `dataDir`. */
export async function startDevProcess(
  env: Record<string, string> & { CONNECT_REMEDIATOR_DATA_DIR: string },
  log: (line: string) => void,
) {
  const [temporalPort, uiPort, ingressPort, simulatorPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const process = await startProductProcess(
    'dev',
    ['dev', '--temporal-port', String(temporalPort), '--ui-port', String(uiPort)],
    { ...env, INGRESS_PORT: String(ingressPort), SIMULATOR_PORT: String(simulatorPort) },
    /Ready\. Press Ctrl-C to stop\./,
    log,
  );
  return {
    process,
    temporalAddress: `127.0.0.1:${temporalPort}`,
    ingressUrl: `http://127.0.0.1:${ingressPort}`,
    simulatorEndpoint: `http://127.0.0.1:${simulatorPort}`,
  };
}
