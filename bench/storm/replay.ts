/**
 * Every storm proves its histories: the gate's runs and a sample of remediation runs, replayed
 * against the workflow code the storm ran, with Temporal's Replayer. A history that cannot replay
 * is a run that would stick at its next cache eviction, worker restart or deploy.
 */
import { Worker } from '@temporalio/worker';
import { engineMetricsSinks } from '../../worker/engine-metrics';
import { bundleWorkflows } from '../../worker/remediation-worker';
import { installTemporalRuntime } from '../../worker/runtime';
import type { GateRunHistory } from './figures';

export interface ReplayFigures {
  replayed: number;
  replayFailures: number;
  /** The first few failures, `workflowId: message`. */
  replayFailureSamples: string[];
}

export async function replayHistories(histories: GateRunHistory[]): Promise<ReplayFigures> {
  installTemporalRuntime('error');
  const workflowBundle = await bundleWorkflows();
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories(
    { workflowBundle, sinks: engineMetricsSinks() },
    histories,
  )) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  return {
    replayed: histories.length,
    replayFailures: failures.length,
    replayFailureSamples: failures.slice(0, 5),
  };
}
