/**
 * Finds the running capacity gates in the visibility store and asks each for its status — all at
 * once, each with a deadline, so one gate whose worker is down cannot hold up the others.
 */
import type { Client } from '@temporalio/client';
import { capacityGateStatusQuery } from '../../workflows/definitions';
import { gateReport, type GateReport } from './report';

/** How long `capacity` waits for a gate's worker to answer the status query. */
const STATUS_QUERY_TIMEOUT_MS = 10_000;

export async function listGateReports(
  client: Client,
  query: string,
  now: () => Date = () => new Date(),
): Promise<GateReport[]> {
  const gates: { workflowId: string; taskQueue: string }[] = [];
  for await (const info of client.workflow.list({ query }))
    gates.push({ workflowId: info.workflowId, taskQueue: info.taskQueue });
  gates.sort((a, b) => a.workflowId.localeCompare(b.workflowId));
  return Promise.all(
    gates.map(async (gate) => {
      try {
        // No run id: a gate that continued as new since it was listed answers from its latest run.
        const status = await client.connection.withDeadline(Date.now() + STATUS_QUERY_TIMEOUT_MS, () =>
          client.workflow.getHandle(gate.workflowId).query(capacityGateStatusQuery),
        );
        return gateReport(gate, { status }, now());
      } catch (err) {
        return gateReport(
          gate,
          {
            problem: `the gate did not answer its status query (is a worker polling task queue "${gate.taskQueue}"?): ${(err as Error).message}`,
          },
          now(),
        );
      }
    }),
  );
}
