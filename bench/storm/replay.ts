/**
 * Every storm proves its histories: the gate's runs and a sample of remediation runs, replayed
 * against the workflow code the storm ran, with Temporal's Replayer. A history that cannot replay
 * is a run that would stick at its next cache eviction, worker restart or deploy.
 */
import { Resource } from '@opentelemetry/resources';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
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

/**
 * `tracing`: replay under the bundle a traced worker runs (the OpenTelemetry workflow
 * interceptors in), with its span sink registered and dropping everything.
 */
export async function replayHistories(
  histories: GateRunHistory[],
  options: { tracing?: boolean } = {},
): Promise<ReplayFigures> {
  installTemporalRuntime('error');
  const workflowBundle = await bundleWorkflows(undefined, options);
  const sinks = {
    ...engineMetricsSinks(),
    ...(options.tracing
      ? { exporter: makeWorkflowExporter(new NoopSpanProcessor(), Resource.default()) }
      : {}),
  };
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle, sinks }, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  return {
    replayed: histories.length,
    replayFailures: failures.length,
    replayFailureSamples: failures.slice(0, 5),
  };
}
