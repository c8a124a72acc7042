/** Polling helpers for conditions that become true asynchronously (runs moving between phases). */
import type { WorkflowHandle } from '@temporalio/client';
import { statusQuery, type RemediationStatus } from '../../workflows/definitions';

export async function eventually<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function waitForPhase(handle: WorkflowHandle, phase: RemediationStatus['phase'], timeoutMs?: number) {
  return eventually(
    async () => {
      const status = await handle.query(statusQuery);
      return status.phase === phase ? status : undefined;
    },
    `${handle.workflowId} to reach phase ${phase}`,
    timeoutMs,
  );
}
