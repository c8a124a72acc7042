/**
 * Records the engine's metrics (workflows/metric-catalogue.ts) on the Temporal Runtime's meter, so
 * they are served by the same Prometheus exporter as the SDK's own `temporal_…` metrics
 * (worker/runtime.ts). Every label is snake_case, as Prometheus's conventions (and `promtool check
 * metrics`) want: the workflows' with `namespace`, `task_queue`, `workflow_type`, then the metric's own.
 */
import type { MetricCounter, MetricGauge, MetricMeter, MetricTags } from '@temporalio/common';
import { Runtime, type InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import {
  ENGINE_METRICS,
  type EngineCounterName,
  type EngineGaugeName,
  type EngineMetricName,
} from '../workflows/metric-catalogue';
import type { EngineMetricsSinks } from '../workflows/metrics';

type Instrument = MetricCounter | MetricGauge;

/** Metric objects by name: creating one is a call into the native meter, so each is made once. */
const instruments = new Map<EngineMetricName, Instrument>();

function instrument(name: EngineCounterName): MetricCounter;
function instrument(name: EngineGaugeName): MetricGauge;
function instrument(name: EngineMetricName): Instrument {
  let made = instruments.get(name);
  if (!made) {
    const meter: MetricMeter = Runtime.instance().metricMeter;
    const spec = ENGINE_METRICS[name];
    made =
      spec.type === 'counter'
        ? // The exporter appends `_total` to every counter (worker/runtime.ts): registered without it.
          meter.createCounter(name.replace(/_total$/, ''), '', spec.help)
        : meter.createGauge(name, 'float', '', spec.help);
    instruments.set(name, made);
  }
  return made;
}

/**
 * Exactly the catalogue's labels, in its order: a recorder's type checks already hold it to them;
 * this keeps a value from a sink call (plain data crossing the sandbox) from adding a label series.
 */
function labelsOf(name: EngineMetricName, given: Record<string, string>, base: MetricTags): MetricTags {
  const tags: MetricTags = { ...base };
  for (const label of ENGINE_METRICS[name].labels) tags[label] = given[label] ?? 'unknown';
  return tags;
}

export function addToCounter(
  name: EngineCounterName,
  value: number,
  labels: Record<string, string>,
  base: MetricTags = {},
): void {
  instrument(name).add(value, labelsOf(name, labels, base));
}

export function setGauge(
  name: EngineGaugeName,
  value: number,
  labels: Record<string, string>,
  base: MetricTags = {},
): void {
  instrument(name).set(value, labelsOf(name, labels, base));
}

function workflowTags(info: WorkflowInfo): MetricTags {
  return { namespace: info.namespace, task_queue: info.taskQueue, workflow_type: info.workflowType };
}

/**
 * The workflows' `engineMetrics` sink. Not called while replaying (nor by replay workers): a value
 * is recorded once, when the workflow task that produced it first ran.
 */
export function engineMetricsSinks(): InjectedSinks<EngineMetricsSinks> {
  return {
    engineMetrics: {
      add: {
        fn: (info, name, value, labels) => addToCounter(name, value, labels, workflowTags(info)),
        callDuringReplay: false,
      },
      set: {
        fn: (info, name, value, labels) => setGauge(name, value, labels, workflowTags(info)),
        callDuringReplay: false,
      },
    },
  };
}
