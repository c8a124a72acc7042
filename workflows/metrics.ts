/**
 * Recording the engine's metrics (workflows/metric-catalogue.ts) from workflow code.
 *
 * Workflows record through the `engineMetrics` sink rather than the SDK's workflow `metricMeter`:
 * that meter tags every value with camelCase labels (`taskQueue`, `workflowType`) that
 * `promtool check metrics` refuses and no interceptor can rename, because the worker adds them
 * below any interceptor. The sink is not called while replaying, so a value is recorded once,
 * by the worker that ran the workflow task, however often the history is replayed.
 */
import { proxySinks, type Sinks } from '@temporalio/workflow';
import type { EngineCounterName, EngineGaugeName, LabelsOf } from './metric-catalogue';

export interface EngineMetricsSinks extends Sinks {
  engineMetrics: {
    add(name: EngineCounterName, value: number, labels: Record<string, string>): void;
    set(name: EngineGaugeName, value: number, labels: Record<string, string>): void;
  };
}

const { engineMetrics } = proxySinks<EngineMetricsSinks>();

/** Adds to a counter (workflow code only). */
export function countMetric<N extends EngineCounterName>(name: N, labels: LabelsOf<N>, value = 1): void {
  engineMetrics.add(name, value, labels);
}

/** Sets a gauge (workflow code only). */
export function setMetric<N extends EngineGaugeName>(name: N, labels: LabelsOf<N>, value: number): void {
  engineMetrics.set(name, value, labels);
}
