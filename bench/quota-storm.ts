/**
 * Quota storm: a simulated instance at its active-tasks quota Q, N ≫ Q CREATE_TASK quota failures
 * at once, and AWS's API rate limits enforced. Capacity comes back steadily (each task lives
 * --lifetime ms) or in bulk (--bulk-free: ops close stale tasks Q at a time); see storm/scenario.ts.
 *
 *   gate  — the product as users run it (storm/gate-run.ts): its own processes, the events posted
 *           to its ingress. Besides drain time and Connect calls it reports the gate's health, what
 *           waiting runs did, the Temporal actions per recovered task, the replay of every gate
 *           history and a sample of runs, and the worker's peak memory.
 *   naive — for comparison only: N independent loops, each retrying StartTaskContact on its own
 *           exponential backoff, as a per-failure retry Lambda would (storm/naive-run.ts), on an
 *           in-process simulator with the same limits.
 *
 * The modules under storm/ hold the parts: options, policy file, scenario and ideals, Connect call
 * counts, the two paths, the worker process, and the history figures (pure, unit-tested).
 */
import { ConnectClient } from '@aws-sdk/client-connect';
import { startSimulator } from '../simulator';
import { runGatePath } from './storm/gate-run';
import { runNaivePath } from './storm/naive-run';
import { parseStormOptions } from './storm/options';
import { applyRateLimits, idealDrain, simulatorSettings } from './storm/scenario';

const SIM_CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };

const round = (n: number) => Math.round(n * 1000) / 1000;

const scenarioOf = (options: ReturnType<typeof parseStormOptions>) => ({
  scenario: options.bulkFree ? 'bulk-free' : 'steady',
  ...(options.bulkFree ? {} : { taskLifetimeMs: options.lifetime }),
  share: options.share,
});

export async function run(
  args: string[],
  log: (line: string) => void,
  progress: (status: string) => void = () => undefined,
): Promise<Record<string, unknown>> {
  const options = parseStormOptions(args);
  const gate = await runGatePath(options, log, progress);
  // The naive loop models quota waits: a throttle storm has nothing to compare it with.
  if (!options.naive || options.throttled)
    return { events: options.events, quota: options.quota, ...scenarioOf(options), ...gate };
  const sim = await startSimulator({ port: 0, config: simulatorSettings(options) });
  // One attempt per call: the naive loop's own backoff is the retry being measured.
  const connect = new ConnectClient({
    endpoint: sim.endpoint,
    region: 'us-east-1',
    credentials: SIM_CREDENTIALS,
    maxAttempts: 1,
  });
  try {
    const limits = await applyRateLimits(sim.admin, options);
    const naive = await runNaivePath(options, sim, connect, idealDrain(options, limits), log, progress);
    return {
      events: options.events,
      quota: options.quota,
      ...scenarioOf(options),
      gate,
      naive,
      callsPerTaskRatioNaiveToGate:
        naive.callsPerRecoveredTask !== null && gate.callsPerRecoveredTask
          ? round(naive.callsPerRecoveredTask / gate.callsPerRecoveredTask)
          : null,
    };
  } finally {
    connect.destroy();
    await sim.stop();
  }
}
