/**
 * taskCapacityOverflow — one chunk of a capacity gate's overflow
 * (`task-capacity-<instanceId>-overflow-<n>`): holds up to CHUNK_LIMIT queued runs the gate has no
 * room for, in their order, and hands the best of them back when the gate asks. While it is the
 * open tail, runs join it directly (the gate's `capacityIntake` query says so), so a flood of
 * arrivals lands here, not on the gate; it tells the gate how many it holds as it fills.
 *
 * Chunks are filled and drained oldest first, so a storm of any size keeps its arrival order while
 * the gate itself carries only its first thousand. A chunk ends when it is sealed and empty, or
 * when its gate is gone (the runs it held notice at their own liveness check and queue at the new
 * gate). A chunk the gate retires (`seal`: drained, or the storm is over) hands back anything that
 * still reached it and ends.
 */
import {
  condition,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { RemediationActivities } from '../activities';
import { CHUNK_LIMIT, insertSorted, waiterRow } from './capacity-gate-state';
import {
  admitFromOverflowSignal,
  capacityGateWorkflowId,
  enqueueForCapacitySignal,
  handBackSignal,
  holdInOverflowSignal,
  overflowSizeSignal,
  overflowStatusQuery,
  sealOverflowSignal,
  type CapacityOverflowInput,
  type OverflowReport,
  type WaiterRow,
} from './definitions';
import { OVERFLOW_REPORTS_BY_UPDATE } from './patches';

const DEFAULT_LIVENESS_CHECK_MS = 30 * 60_000;
/** Report the count to the gate every this many arrivals (and when full)… */
const REPORT_EVERY = 100;
/** …and, for the rest, once arrivals pause this long (so the gate's count is never off for long). */
const REPORT_QUIET_MS = 1_000;

const { capacityGateLineage, reportToCapacityGate } = proxyActivities<RemediationActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5 },
});

export async function taskCapacityOverflow(input: CapacityOverflowInput): Promise<{ handedBack: number }> {
  const held: WaiterRow[] = [];
  for (const waiter of input.waiters) insertSorted(held, waiter);
  let sealed = false;
  let asked = 0;
  let handedBack = 0;
  let reported = held.length;
  const reportDue = () =>
    held.length - reported >= REPORT_EVERY || (held.length >= CHUNK_LIMIT && reported < CHUNK_LIMIT);
  // A run is held once: a hold the gate's activity delivered twice, or a run joining again, is
  // not a second place.
  const hold = (waiter: WaiterRow) => {
    if (!held.some((w) => w[0] === waiter[0])) insertSorted(held, waiter);
  };
  setHandler(holdInOverflowSignal, (waiters) => waiters.forEach(hold));
  setHandler(enqueueForCapacitySignal, (request) => hold(waiterRow(request, Date.now())));
  setHandler(handBackSignal, ({ count }) => void (asked += count));
  setHandler(sealOverflowSignal, () => void (sealed = true));
  setHandler(overflowStatusQuery, () => ({ held: held.length, reported, sealed }));
  const gate = getExternalWorkflowHandle(capacityGateWorkflowId(input.instanceId));
  // Reports by Update (through an activity) reach a gate that is continuing as new without
  // failing its workflow task; chunks started before that still signal. True: delivered.
  const byUpdate = patched(OVERFLOW_REPORTS_BY_UPDATE);
  const report = (message: OverflowReport): Promise<boolean> => {
    if (byUpdate) {
      return reportToCapacityGate({ instanceId: input.instanceId, report: message }).catch(() => false);
    }
    const sent =
      message.kind === 'size'
        ? gate.signal(overflowSizeSignal, { chunk: message.chunk, size: message.size })
        : gate.signal(admitFromOverflowSignal, {
            chunk: message.chunk,
            waiters: message.waiters,
            remaining: message.remaining,
          });
    return sent.then(
      () => true,
      () => false,
    );
  };

  for (;;) {
    const unreported = held.length !== reported;
    // All reported: sleep until something happens (a first new arrival included). Something
    // unreported: give arrivals a second to pause, then report.
    const woke = await condition(
      () => asked > 0 || reportDue() || sealed || (!unreported && held.length !== reported),
      unreported ? REPORT_QUIET_MS : (input.livenessCheckMs ?? DEFAULT_LIVENESS_CHECK_MS),
    );
    if (woke && !unreported && asked === 0 && !reportDue() && !sealed) continue; // start the quiet second
    if (!woke && unreported) {
      reported = held.length;
      await report({ kind: 'size', chunk: input.chunk, size: held.length });
      continue;
    }
    if (asked > 0 || (sealed && held.length > 0)) {
      // What the gate asked for; once retired, everything (late arrivals must not be stranded).
      const waiters = held.splice(0, asked > 0 ? asked : held.length);
      asked = 0;
      handedBack += waiters.length;
      reported = held.length;
      const delivered = await report({
        kind: 'handBack',
        chunk: input.chunk,
        waiters,
        remaining: held.length,
      });
      // A gate that is gone takes nobody: the runs re-queue themselves at the next gate.
      if (!delivered) return { handedBack };
      continue;
    }
    if (sealed && held.length === 0) return { handedBack };
    if (reportDue()) {
      reported = held.length;
      await report({ kind: 'size', chunk: input.chunk, size: held.length });
      continue;
    }
    if (!woke) {
      const gateNow = await capacityGateLineage({ instanceId: input.instanceId }).catch(() => undefined);
      if (gateNow && (!gateNow.running || gateNow.lineage !== input.gateLineage)) return { handedBack };
    }
  }
}
