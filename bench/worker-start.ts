/**
 * Worker cold start, today's way against the build: `connect-remediator worker` run from the
 * TypeScript sources (tsx, and the workflow code bundled by a child process at every start) and
 * from `npm run build`'s dist/ (compiled JavaScript, the bundle built once ahead of time). Each
 * start is a fresh process against a private dev server, on its own task queue; measured from the
 * spawn to its first poll (the "polling task queue" line bench/storm/worker-process.ts waits for)
 * and its peak resident memory over that time, the process and its children (the bundling child)
 * sampled every `--sample-ms`.
 *
 * The two ways alternate (source, build, build, source, …) so background load on a shared machine
 * weighs on both alike; each reports the median of its starts.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Command } from 'commander';
import { positiveInt } from './options';
import { startSimulatorProcess } from './storm/processes';
import { startWorkerProcess } from './storm/worker-process';
import { startBenchTemporal } from './temporal';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { chooseEntry } = require('../bin/build-state') as {
  chooseEntry(root: string, env: NodeJS.ProcessEnv): { from: 'build' | 'source' };
};

const PROJECT_ROOT = path.join(__dirname, '..');
const POLICIES_FILE = path.join(PROJECT_ROOT, 'policies', 'policies.yaml');

interface WorkerStartOptions {
  starts: number;
  sampleMs: number;
}

function parseOptions(args: string[]): WorkerStartOptions {
  return new Command('worker-start')
    .option('--starts <n>', 'starts of each way', positiveInt, 5)
    .option('--sample-ms <ms>', 'resident memory sampling interval', positiveInt, 100)
    .exitOverride()
    .parse(args, { from: 'user' })
    .opts<WorkerStartOptions>();
}

type Way = 'source' | 'build';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The build the starts use: dist/ as it is when it matches the sources, else built now. */
function ensureBuild(log: (line: string) => void): void {
  if (chooseEntry(PROJECT_ROOT, { CONNECT_REMEDIATOR_RUN_FROM: 'auto' }).from === 'build') return;
  log('dist/ is missing or does not match the sources: npm run build');
  execFileSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, stdio: ['ignore', 2, 2] });
}

export async function run(args: string[], log: (line: string) => void): Promise<Record<string, unknown>> {
  const options = parseOptions(args);
  ensureBuild(log);
  const temporal = await startBenchTemporal(log);
  const simulator = await startSimulatorProcess(log);
  const samples: Record<Way, { startMs: number[]; peakRssMb: number[] }> = {
    source: { startMs: [], peakRssMb: [] },
    build: { startMs: [], peakRssMb: [] },
  };
  try {
    for (let round = 0; round < options.starts; round++) {
      for (const way of round % 2 === 0 ? (['source', 'build'] as const) : (['build', 'source'] as const)) {
        const started = performance.now();
        const worker = await startWorkerProcess({
          temporalAddress: temporal.address,
          temporalNamespace: temporal.namespace,
          taskQueue: `bench-worker-start-${randomUUID().slice(0, 8)}`,
          policiesFile: POLICIES_FILE,
          awsEndpoint: simulator.endpoint,
          env: { CONNECT_REMEDIATOR_RUN_FROM: way },
          rssSampleMs: options.sampleMs,
          log: () => undefined,
        });
        const startMs = Math.round(performance.now() - started);
        await worker.stop();
        samples[way].startMs.push(startMs);
        samples[way].peakRssMb.push(worker.startupPeakRssMb);
        log(`${way} start ${round + 1}: ${startMs} ms, peak ${worker.startupPeakRssMb} MB`);
      }
    }
  } finally {
    await simulator.process.stop();
    await temporal.stop();
  }
  const summary = (way: Way) => ({
    medianStartMs: median(samples[way].startMs),
    medianPeakRssMb: median(samples[way].peakRssMb),
    ...samples[way],
  });
  const source = summary('source');
  const build = summary('build');
  return {
    starts: options.starts,
    sampleMs: options.sampleMs,
    source,
    build,
    speedup: Math.round((source.medianStartMs / build.medianStartMs) * 100) / 100,
    peakRssSavedMb: Math.round((source.medianPeakRssMb - build.medianPeakRssMb) * 10) / 10,
  };
}
