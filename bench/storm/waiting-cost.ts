/**
 * What a waiting run costs while it waits, read from the histories of recovered remediation runs:
 * activities (each one a task for the worker and often a call to AWS or Temporal) scheduled between
 * queuing and the grant. Thousands of runs wait through a storm, so even one activity per run per
 * hour is thousands an hour. A sample, spread evenly over every recovered run, keeps the read
 * cheap at any storm size.
 */
import type { Client } from '@temporalio/client';
import { mapConcurrent } from '../../ingress/map-concurrent';
import { REMEDIATION_WORKFLOW_TYPE } from '../../workflows/definitions';
import { capacityWait, waitingRunFigures, type CapacityWait, type WaitingRunFigures } from './figures';
import { listRuns } from './gate-health';

const SAMPLE_SIZE = 200;
const FETCH_CONCURRENCY = 5;

/** Every `length / size`-th item: the sample spans early, middle and late runs alike. */
export function evenSample<T>(items: readonly T[], size: number): T[] {
  if (items.length <= size) return [...items];
  return Array.from({ length: size }, (_, i) => items[Math.floor((i * items.length) / size)]!);
}

export async function readWaitingCost(client: Client): Promise<WaitingRunFigures> {
  const recovered = await listRuns(
    client,
    `WorkflowType = '${REMEDIATION_WORKFLOW_TYPE}' AND RemediationPhase = 'recovered'`,
  );
  const waits = await mapConcurrent(
    evenSample(recovered, SAMPLE_SIZE),
    FETCH_CONCURRENCY,
    async ({ workflowId, runId }) =>
      capacityWait(await client.workflow.getHandle(workflowId, runId).fetchHistory()),
  );
  return waitingRunFigures(waits.filter((w): w is CapacityWait => w !== undefined));
}
