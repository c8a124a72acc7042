/**
 * taskCapacityGate — one per Connect instance (`task-capacity-<instanceId>`), long-lived: lets the
 * runs that wait for task capacity re-issue their tasks no faster than the instance's quota frees
 * up and within the engine's StartTaskContact budget, instead of every run hammering the API.
 *
 * Runbook, per round:
 *   1. read — the instance's capacity setting (policy file), its open tasks (Connect's current
 *      metrics; AIMD probing when they cannot be read), and take at most the free slots' worth of
 *      waiting runs from the instance's waiting room (a task queue Temporal keeps for them);
 *   2. admit — re-issue each taken run's task on the StartTaskContact budget and answer the run;
 *   3. wait — for the next read (every half second while capacity comes and goes, backing off to
 *      5 s while the quota stays full), the budget, or a back-off after a refusal;
 *   an empty room is listened to instead of read.
 *
 * Nothing is ever sent to the gate: runs wait in the room, the gate takes. So no message can meet
 * its continue-as-new (the server refuses one when something arrives during it,
 * temporalio/temporal#1289), and no Update can reach it (the SDK mis-orders an Update accepted in
 * some workflow tasks on replay, temporalio/sdk-typescript#1966: it stuck the earlier gate that took
 * its runs by Update). What it carries across continue-as-new is a few hundred bytes.
 */
import {
  condition,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { RemediationActivities } from '../activities';
import type { AdmissionOutcome, AdmissionRound } from '../activities/capacity';
import type { TakenWaiter } from '../activities/waiting-room';
import { onQueueOf } from './aws-calls';
import { countMetric, setMetric } from './metrics';
import {
  admitted,
  coolingDown,
  newBooks,
  paceAllows,
  paceWaitMs,
  probeSlots,
  settled,
  type GateBooks,
} from './capacity-books';
import {
  capacityGateStatusQuery,
  GATE_MAX_IN_FLIGHT,
  type CapacityGateStatus,
  type GateMode,
} from './capacity-definitions';
import { classifyReissueFailure } from './failures';

const { admissionRound, admitWaiter } = proxyActivities<RemediationActivities>({
  startToCloseTimeout: '1m',
});

/** Reads every this often while capacity comes and goes… */
const POLL_INTERVAL_MS = 500;
/** …backing off to this once the quota has stayed full FULL_BEFORE_BACKOFF_MS. */
const MAX_POLL_INTERVAL_MS = 5_000;
const FULL_BEFORE_BACKOFF_MS = 10_000;
/** Temporal timers under a second fire late: shorter waits happen inside the round (notBefore). */
const PRECISE_WAIT_BELOW_MS = 1_000;
/** How long one round listens to an empty room. */
const LISTEN_MS = 50_000;
/** Continue as new well before Temporal's history limits. */
const MAX_HISTORY_EVENTS = 2_000;

export interface CapacityGateInput {
  instanceId: string;
  /** The remediation task queue: the waiting room and the AWS budgets' queues derive from it. */
  taskQueue: string;
  /** After continue-as-new: the books so far. */
  books?: GateBooks;
  /** History length that triggers continue-as-new (tests use less). */
  maxHistoryEvents?: number;
}

export async function taskCapacityGate(input: CapacityGateInput): Promise<never> {
  return new CapacityGate(input).run();
}

/** The gate's Prometheus metrics (workflows/metrics.ts: nothing is recorded while replaying). */
function gateMetrics(instanceId: string) {
  const instance = { connect_instance_id: instanceId };
  return {
    grants(n: number): void {
      if (n > 0) countMetric('connect_remediator_gate_grants_total', instance, n);
    },
    quotaError: () => countMetric('connect_remediator_gate_quota_errors_total', instance),
    /** The gate's figures as of its latest round; open tasks and quota only from a metrics read. */
    levels(round: AdmissionRound | undefined, inFlight: number): void {
      setMetric(
        'connect_remediator_gate_last_round_timestamp_seconds',
        instance,
        Math.floor(Date.now() / 1000),
      );
      setMetric('connect_remediator_gate_queue_length', instance, round?.waiting ?? 0);
      setMetric('connect_remediator_gate_permits_in_flight', instance, inFlight);
      if (round?.openTasks !== undefined)
        setMetric('connect_remediator_gate_open_tasks', instance, round.openTasks);
      const settings = round?.settings;
      if (settings?.quota !== undefined)
        setMetric('connect_remediator_gate_task_quota', instance, settings.quota);
      if (settings?.grantsPerSecond !== undefined)
        setMetric('connect_remediator_gate_grant_budget_per_second', instance, settings.grantsPerSecond);
    },
  };
}

class CapacityGate {
  private readonly books: GateBooks;
  private readonly metrics: ReturnType<typeof gateMetrics>;
  /** Re-issues out, by waiting task (run id / activity id) → when admitted. */
  private readonly inFlight = new Map<string, number>();
  private lastRound?: AdmissionRound;
  private lastReadAt = 0;
  /** When reads began finding the quota full (undefined: capacity was found). */
  private fullSince?: number;
  private pollIntervalMs = POLL_INTERVAL_MS;
  /** The room had fewer waiters than the gate could take. */
  private roomEmpty = false;
  private handingOver = false;

  constructor(private readonly input: CapacityGateInput) {
    this.books = input.books ?? newBooks(Date.now());
    this.metrics = gateMetrics(input.instanceId);
    setHandler(capacityGateStatusQuery, () => this.status());
  }

  async run(): Promise<never> {
    for (;;) {
      if (this.dueForContinueAsNew()) return this.handOver();
      if (this.inFlight.size >= GATE_MAX_IN_FLIGHT) {
        await condition(() => this.inFlight.size < GATE_MAX_IN_FLIGHT);
        continue;
      }
      if (this.roomEmpty && this.inFlight.size > 0) {
        // Admissions out may send runs back to the room (a refusal): listen once they are in.
        await condition(() => this.inFlight.size === 0);
        continue;
      }
      const listen = this.roomEmpty;
      const notBefore = listen ? undefined : await this.untilNextRound();
      if (this.dueForContinueAsNew()) continue;
      await this.round(listen, notBefore);
    }
  }

  private async round(listen: boolean, notBefore: number | undefined): Promise<void> {
    const maxTake = Math.min(GATE_MAX_IN_FLIGHT - this.inFlight.size, paceAllows(this.books, Date.now()));
    this.describe(listen ? 'listening' : 'admitting');
    const round = await admissionRound.executeWithOptions(
      onQueueOf(
        'GetCurrentMetricData',
        listen ? 'Listen for waiting runs' : 'Read free task capacity and take waiting runs',
        this.input.taskQueue,
      ),
      [
        {
          instanceId: this.input.instanceId,
          taskQueue: this.input.taskQueue,
          maxTake: Math.max(1, maxTake),
          inFlight: this.inFlight.size,
          probeSlots: probeSlots(this.books, this.inFlight.size),
          listenMs: listen ? LISTEN_MS : 0,
          ...(notBefore !== undefined ? { notBefore } : {}),
        },
      ],
    );
    const now = Date.now();
    this.lastRound = round;
    this.books.settings = round.settings;
    this.lastReadAt = now;
    this.roomEmpty = round.roomEmpty;
    this.pace(round.free, now);
    admitted(this.books, round.taken.length, now);
    this.metrics.grants(round.taken.length);
    for (const waiter of round.taken) this.admit(waiter);
    this.describe(this.modeNow());
  }

  private admit(waiter: TakenWaiter): void {
    const key = `${waiter.runId}/${waiter.activityId}`;
    this.inFlight.set(key, Date.now());
    void admitWaiter
      .executeWithOptions(
        {
          ...onQueueOf('StartTaskContact', `Re-issue the task of ${waiter.workflowId}`, this.input.taskQueue),
          // Past the waiting task's own timeout the run has queued again: stop trying for it.
          scheduleToCloseTimeout: '3m',
        },
        [{ instanceId: this.input.instanceId, waiter }],
      )
      .catch((): AdmissionOutcome => ({ kind: 'gone', workflowId: waiter.workflowId }))
      .then((outcome) => {
        this.inFlight.delete(key);
        this.settle(outcome);
      });
  }

  private settle(outcome: AdmissionOutcome): void {
    const now = Date.now();
    if (outcome.kind === 'refused') {
      const { verdict } = classifyReissueFailure(outcome.error);
      const kind =
        verdict === 'wait-for-capacity' ? 'quota-exceeded' : verdict === 'retry' ? 'transient' : 'failed';
      if (kind === 'quota-exceeded') this.metrics.quotaError();
      settled(this.books, kind, now);
      // The run queues again (quota or transient): the room is not empty any more.
      if (kind !== 'failed') this.roomEmpty = false;
    } else {
      settled(this.books, outcome.kind, now);
      // Handed back to read its news first: it queues again unless that news ended its wait.
      if (outcome.kind === 'handed-back') this.roomEmpty = false;
    }
    this.describe(this.modeNow());
  }

  /** Reads back off only once the quota has stayed full for a while (a draining storm keeps finding slots). */
  private pace(free: number, now: number): void {
    if (free > 0) {
      this.fullSince = undefined;
      this.pollIntervalMs = POLL_INTERVAL_MS;
    } else {
      this.fullSince ??= now;
      if (now - this.fullSince >= FULL_BEFORE_BACKOFF_MS)
        this.pollIntervalMs = Math.min(this.pollIntervalMs * 2, MAX_POLL_INTERVAL_MS);
    }
  }

  /**
   * Waits until the next round is due: the next read, the budget, a back-off after a refusal (a
   * refusal only ever makes it later, so one timer does). Returns the round's `notBefore` when
   * the last stretch is under a second.
   */
  private async untilNextRound(): Promise<number | undefined> {
    for (;;) {
      const now = Date.now();
      const at = Math.max(
        this.lastReadAt + this.pollIntervalMs,
        this.books.cooldownUntil,
        now + paceWaitMs(this.books, now),
      );
      if (at <= now) return undefined;
      if (at - now < PRECISE_WAIT_BELOW_MS) return at;
      await sleep(at - now);
    }
  }

  private dueForContinueAsNew(): boolean {
    const info = workflowInfo();
    return (
      info.continueAsNewSuggested || info.historyLength > (this.input.maxHistoryEvents ?? MAX_HISTORY_EVENTS)
    );
  }

  /** Takes no one more, lets its re-issues finish, then starts afresh with the books. */
  private async handOver(): Promise<never> {
    this.handingOver = true;
    this.describe('handing-over');
    await condition(() => this.inFlight.size === 0);
    return continueAsNew<typeof taskCapacityGate>({ ...this.input, books: this.books });
  }

  private modeNow(): GateMode {
    if (this.handingOver) return 'handing-over';
    if (coolingDown(this.books, Date.now())) return 'cooling-down';
    if (this.roomEmpty) return 'listening';
    return this.lastRound && this.lastRound.free === 0 ? 'full' : 'admitting';
  }

  private status(): CapacityGateStatus {
    const round = this.lastRound;
    return {
      instanceId: this.input.instanceId,
      mode: this.modeNow(),
      ...(this.books.settings ? { settings: this.books.settings } : {}),
      ...(round?.waiting !== undefined ? { waiting: round.waiting } : {}),
      inFlight: this.inFlight.size,
      window: Math.floor(this.books.window * 100) / 100,
      ...(round?.openTasks !== undefined ? { lastOpenTasks: round.openTasks } : {}),
      ...(round?.metricsUnreadable ? { metricsUnreadable: round.metricsUnreadable } : {}),
      stats: { ...this.books.stats },
      grantsPerMinute: this.books.grantsPerMinute.map((g) => ({ ...g })),
    };
  }

  private describe(mode: GateMode): void {
    const round = this.lastRound;
    const s = this.books.settings;
    const source = s
      ? `${s.source}${s.quota !== undefined ? `, quota ${s.quota}` : ''}${round?.metricsUnreadable ? ', metrics unreadable: probing' : ''}`
      : 'no setting read yet';
    const open = round?.openTasks !== undefined ? `, ${round.openTasks} open tasks` : '';
    const waiting = round?.waiting !== undefined ? `about ${round.waiting} waiting, ` : '';
    const { created, quotaErrors } = this.books.stats;
    setCurrentDetails(
      `**${mode}** — ${waiting}${this.inFlight.size} re-issuing${open} (${source}); ` +
        `${created} tasks created, ${quotaErrors} quota errors`,
    );
    this.metrics.levels(round, this.inFlight.size);
  }
}
