/**
 * Quota storm: a simulated instance at its active-tasks quota Q, N ≫ Q CREATE_TASK quota failures
 * at once, and AWS's API rate limits enforced. Capacity comes back steadily (each task lives
 * --lifetime ms) or in bulk (--bulk-free: ops close stale tasks Q at a time); see storm/scenario.ts.
 *
 *   gate  — the product: N remediation runs worked by the real worker (a child process, as in
 *           production), admitted by the instance's capacity gate. Besides drain time and Connect
 *           calls it reports the gate's health and what waiting runs cost, read from the histories,
 *           and the worker's peak memory.
 *   naive — for comparison only: N independent loops, each retrying StartTaskContact on its own
 *           exponential backoff, as a per-failure retry Lambda would (storm/naive-run.ts).
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

export async function run(args: string[], log: (line: string) => void): Promise<Record<string, unknown>> {
  const options = parseStormOptions(args);
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
    const ideal = idealDrain(options, limits);
    const gate = await runGatePath(options, sim, ideal, log);
    const naive = options.naive ? await runNaivePath(options, sim, connect, ideal, log) : undefined;
    return {
      events: options.events,
      quota: options.quota,
      scenario: options.bulkFree ? 'bulk-free' : 'steady',
      ...(options.bulkFree ? {} : { taskLifetimeMs: options.lifetime }),
      rateLimits: limits,
      share: options.share,
      ...ideal,
      gate,
      ...(naive
        ? {
            naive,
            callsPerTaskRatioNaiveToGate:
              naive.callsPerRecoveredTask !== null && gate.callsPerRecoveredTask
                ? round(naive.callsPerRecoveredTask / gate.callsPerRecoveredTask)
                : null,
          }
        : {}),
    };
  } finally {
    connect.destroy();
    await sim.stop();
  }
}
