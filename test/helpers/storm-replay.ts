/**
 * Every storm proves its histories: a storm test ends by replaying, with Temporal's Replayer
 * against today's code, every run of each of its gates and a sample of the remediation runs —
 * the same reading the storm benchmark does (bench/storm/gate-health.ts). A history that cannot
 * replay is a gate that sticks on its next cache eviction or worker restart.
 */
import type { Client } from '@temporalio/client';
import { readStormHistories } from '../../bench/storm/gate-health';
import type { StormInstance } from '../../simulator/quota-storm';

/** Remediation runs replayed per instance, beside all of its gate's runs. */
const RUNS_SAMPLED = 60;

export async function expectStormHistoriesReplay(client: Client, instances: StormInstance[]) {
  for (const instance of instances) {
    const figures = await readStormHistories(client, instance.instanceId, 1, RUNS_SAMPLED);
    expect({ instance: instance.instanceId, ...figures }).toMatchObject({
      instance: instance.instanceId,
      gateWorkflowTaskFailures: 0,
      // By cause: a failing run says which (a nondeterminism, a payload too large, a bug).
      gateWorkflowTaskFailureCauses: {},
      gateMessagesReceived: 0,
      replayFailures: 0,
      replayFailureSamples: [],
    });
    // At least the gate's own run and one remediation run: an empty reading cannot pass.
    expect(figures.gateRuns).toBeGreaterThan(0);
    expect(figures.replayed).toBeGreaterThan(figures.gateRuns);
  }
}
