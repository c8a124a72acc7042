/**
 * taskCapacityOverflow — one chunk of a capacity gate's overflow
 * (`task-capacity-<instanceId>-overflow-<n>`): holds up to CHUNK_LIMIT queued runs the gate has no
 * room for, in their order, and hands the best of them back when the gate asks. Chunks are filled
 * and drained oldest first, so a storm of any size keeps its arrival order while the gate itself
 * carries only its first thousand. A chunk ends when it is sealed and empty, or when its gate is
 * gone (the runs it held notice at their own liveness check and queue at the new gate).
 */
import { condition, getExternalWorkflowHandle, proxyActivities, setHandler } from '@temporalio/workflow';
import type { RemediationActivities } from '../activities';
import { insertSorted } from './capacity-gate-state';
import {
  admitFromOverflowSignal,
  capacityGateWorkflowId,
  handBackSignal,
  holdInOverflowSignal,
  sealOverflowSignal,
  type CapacityOverflowInput,
  type WaiterRow,
} from './definitions';

const DEFAULT_LIVENESS_CHECK_MS = 30 * 60_000;

const { capacityGateLineage } = proxyActivities<RemediationActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5 },
});

export async function taskCapacityOverflow(input: CapacityOverflowInput): Promise<{ handedBack: number }> {
  const held: WaiterRow[] = [];
  for (const waiter of input.waiters) insertSorted(held, waiter);
  let sealed = false;
  let asked = 0;
  let handedBack = 0;
  setHandler(holdInOverflowSignal, (waiters) => waiters.forEach((w) => insertSorted(held, w)));
  setHandler(handBackSignal, ({ count }) => void (asked += count));
  setHandler(sealOverflowSignal, () => void (sealed = true));
  const gate = getExternalWorkflowHandle(capacityGateWorkflowId(input.instanceId));

  for (;;) {
    const woke = await condition(
      () => asked > 0 || (sealed && held.length === 0),
      input.livenessCheckMs ?? DEFAULT_LIVENESS_CHECK_MS,
    );
    if (asked > 0) {
      const waiters = held.splice(0, asked);
      asked = 0;
      handedBack += waiters.length;
      const delivered = await gate
        .signal(admitFromOverflowSignal, { chunk: input.chunk, waiters, remaining: held.length })
        .then(() => true)
        .catch(() => false);
      // A gate that is gone takes nobody: the runs re-queue themselves at the next gate.
      if (!delivered) return { handedBack };
      continue;
    }
    if (sealed && held.length === 0) return { handedBack };
    if (!woke) {
      const gateNow = await capacityGateLineage({ instanceId: input.instanceId }).catch(() => undefined);
      if (gateNow && (!gateNow.running || gateNow.lineage !== input.gateLineage)) return { handedBack };
    }
  }
}
