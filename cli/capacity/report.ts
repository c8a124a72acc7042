/** What `capacity` gathers about one running gate, printed as lines or (with --json) as is. */
import type { CapacityGateStatus } from '../../workflows/definitions';
import { estimateDrain, type DrainEstimate } from './estimate';
import { instanceIdOfGate } from './query';

export interface GateReport {
  instanceId: string;
  workflowId: string;
  /** The task queue of the gate's current run (a worker must poll it to answer). */
  taskQueue: string;
  /** When the gate answered (the drain estimate is as of then). */
  queriedAt: string;
  /** The gate's own answer to the status query. */
  status?: CapacityGateStatus;
  drainEstimate?: DrainEstimate;
  /** Why there is no status (the gate did not answer). */
  problem?: string;
}

export function gateReport(
  gate: { workflowId: string; taskQueue: string },
  answer: { status: CapacityGateStatus } | { problem: string },
  now: Date,
): GateReport {
  const base = {
    instanceId: instanceIdOfGate(gate.workflowId),
    workflowId: gate.workflowId,
    taskQueue: gate.taskQueue,
    queriedAt: now.toISOString(),
  };
  if ('problem' in answer) return { ...base, problem: answer.problem };
  const { status } = answer;
  return {
    ...base,
    instanceId: status.instanceId || base.instanceId,
    status,
    drainEstimate: estimateDrain(status, now.getTime()),
  };
}
