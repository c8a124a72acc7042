/**
 * The worker as production runs it: `bin/connect-remediator worker` (the command's memory defaults
 * included), a child process configured only through its environment. Running it out of process is what makes its memory
 * measurable (an in-process worker shares the benchmark's heap, simulator and counters) and keeps
 * the benchmark honest about the configuration path ops use.
 *
 * Memory: VmRSS from /proc/<pid>/status every second (or `rssSampleMs`) from the spawn on, summed over the worker and
 * any processes it starts (the short-lived child that bundles the workflow code at start-up; tsx is
 * an in-process require hook and the workflow threads share the process's RSS). Two peaks: during
 * start-up (to the first poll), and at work (from the first poll to the end of the storm).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

const PROJECT_ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(PROJECT_ROOT, 'bin', 'connect-remediator');

/** Bundling the workflow code comes first: tens of seconds on a busy 2-core machine. */
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 60_000;
const DEFAULT_RSS_SAMPLE_MS = 1000;

export interface WorkerProcessOptions {
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  policiesFile: string;
  /** The simulator: Connect and EventBridge endpoint. */
  awsEndpoint: string;
  /** Settings of the worker's own (e.g. WORKER_MAX_CACHED_GATES). */
  env?: Record<string, string>;
  /** How often resident memory is sampled (default 1 s; a start-up measured alone wants finer). */
  rssSampleMs?: number;
  log: (line: string) => void;
}

export interface WorkerProcess {
  pid: number;
  /** Resident memory (MB) of the worker and its descendants when it began polling. */
  rssMbWhenPolling: number;
  /** Highest resident memory (MB) from spawn to polling: start-up, the bundling child included. */
  startupPeakRssMb: number;
  /** Highest resident memory (MB) sampled since it began polling: the worker at work. */
  peakRssMb(): number;
  /** SIGTERM (or `signal`), then wait for the exit (SIGKILL after a minute). Returns how it ended. */
  stop(signal?: NodeJS.Signals): Promise<string>;
}

/**
 * The environment a deployment would give it, and nothing of the benchmark's: no temporal.toml
 * profile, API key or AWS credentials leaking in from the developer's shell.
 */
function workerEnvironment(options: WorkerProcessOptions): NodeJS.ProcessEnv {
  const passThrough = [
    'PATH',
    'HOME',
    'TMPDIR',
    'LANG',
    'XDG_CACHE_HOME',
    // The worker's memory settings, so a benchmark can try others than the command's defaults.
    'NODE_OPTIONS',
    'MALLOC_ARENA_MAX',
    'CONNECT_REMEDIATOR_HEAP_MB',
    'WORKER_MAX_CACHED_WORKFLOWS',
  ];
  return {
    ...Object.fromEntries(passThrough.filter((name) => process.env[name]).map((n) => [n, process.env[n]])),
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_NAMESPACE: options.temporalNamespace,
    TEMPORAL_TASK_QUEUE: options.taskQueue,
    POLICIES_FILE: options.policiesFile,
    CONNECT_ENDPOINT: options.awsEndpoint,
    EVENTBRIDGE_ENDPOINT: options.awsEndpoint,
    AWS_REGION: 'us-east-1',
    LOG_LEVEL: 'error',
    // No metrics endpoint: parallel benchmarks never race for a port.
    WORKER_METRICS_PORT: 'off',
    ...options.env,
  };
}

export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const child = spawn(CLI, ['worker'], {
    cwd: PROJECT_ROOT,
    env: workerEnvironment(options),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? `exit ${code ?? '?'}`)),
  );
  // Everything it says goes to the benchmark's stderr: stdout carries only the JSON line.
  const polling = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker did not start polling within ${READY_TIMEOUT_MS / 1000} s`)),
      READY_TIMEOUT_MS,
    );
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream }).on('line', (line) => {
        options.log(`worker: ${line}`);
        if (line.includes('polling task queue')) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`worker exited before polling (${how})`));
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('worker process did not start');
  // Sampled from the start; start-up (the worker bundles its workflow code in a short-lived child)
  // is reported apart from the worker at work.
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, treeRssMb(pid));
  }, options.rssSampleMs ?? DEFAULT_RSS_SAMPLE_MS);
  sampler.unref();
  try {
    await polling;
  } catch (err) {
    clearInterval(sampler);
    await stopChild(child, exited);
    throw err;
  }
  options.log(`worker process ${pid} polling task queue "${options.taskQueue}"`);
  const rssMbWhenPolling = treeRssMb(pid);
  const startupPeakRssMb = Math.max(peak, rssMbWhenPolling);
  peak = rssMbWhenPolling;
  return {
    pid,
    rssMbWhenPolling,
    startupPeakRssMb,
    peakRssMb: () => Math.max(peak, treeRssMb(pid)),
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      peak = Math.max(peak, treeRssMb(pid));
      clearInterval(sampler);
      return stopChild(child, exited, signal);
    },
  };
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<string>,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<string> {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill(signal);
  const timeout = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  try {
    return await exited;
  } finally {
    clearTimeout(timeout);
  }
}

/** VmRSS of one process in kB; 0 once it is gone (or for a kernel thread). */
function rssKb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Every process whose parent chain leads to `root` (from /proc/<pid>/stat's ppid field). */
function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // The process ended while we read.
    }
  }
  const found: number[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const parent = frontier.pop()!;
    for (const [pid, ppid] of parentOf) {
      if (ppid === parent) {
        found.push(pid);
        frontier.push(pid);
      }
    }
  }
  return found;
}

export function treeRssMb(pid: number): number {
  const kb = [pid, ...descendants(pid)].reduce((sum, p) => sum + rssKb(p), 0);
  return Math.round((kb / 1024) * 10) / 10;
}
