/**
 * taskCapacityGate — one per Connect instance (`task-capacity-<instanceId>`): a durable semaphore
 * in front of StartTaskContact, so a storm of quota failures drains at the pace the quota frees
 * up and within the engine's StartTaskContact budget, instead of every run hammering the API.
 *
 * Runs join by Update (`enqueueForCapacity`; signal-with-start starts a gate); the gate grants
 * permits (`capacityGranted`) to no more runs than the free capacity — Connect's current metrics (quota − open tasks − permits out)
 * or AIMD probing when metrics cannot be read — in batches of at most GRANT_BATCH signals per
 * workflow task, paced at the StartTaskContact budget; each run re-issues its task and `release`s
 * the permit with the outcome. Beyond HOT_LIMIT waiters, arrivals are parked in overflow chunks
 * (capacity-overflow.ts) and handed back in order as the queue empties, so what the gate carries
 * across continue-as-new stays small whatever the storm (capacity-gate-state.ts has the rules).
 *
 * Permits are reclaimed only from runs that have ended; a run still waiting for its re-issue to
 * start (a busy worker, the rate limit) keeps its permit however long that takes. It continues as
 * new in a way the server cannot refuse (handOver).
 */
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  metricMeter,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { RemediationActivities } from '../activities';
import { awsActivities, onQueueOf } from './aws-calls';
import {
  CHUNK_LIMIT,
  GateQueue,
  emptyGateState,
  fromV1State,
  type GateStateV2,
  type Grant,
} from './capacity-gate-state';
import {
  admitFromOverflowSignal,
  CAPACITY_OVERFLOW_WORKFLOW_TYPE,
  capacityGateStatusQuery,
  capacityGrantedSignal,
  capacityOverflowWorkflowId,
  enqueueForCapacitySignal,
  capacityIntakeQuery,
  enqueueForCapacityUpdate,
  handBackSignal,
  holdInOverflowSignal,
  overflowReportUpdate,
  overflowSizeSignal,
  queuePositionQuery,
  releasePermitSignal,
  sealOverflowSignal,
  withdrawFromCapacitySignal,
  type CapacityGateStatus,
  type CapacityOverflowInput,
  type CapacityRequest,
  type OverflowReport,
  type PermitRelease,
  type WaiterRow,
} from './definitions';
import { runCapacityGateV1, type CapacityGateStateV1 } from './legacy/capacity-gate-v1';
import { CAPACITY_GATE_V2, CAPACITY_GATE_V3, GATE_COUNTS_CREATED_ONCE } from './patches';

const { endedWorkflows, startOverflowChunk, pauseBriefly } = proxyActivities<RemediationActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5 },
});

/**
 * How often to look again while the quota is full: every half second while capacity comes and
 * goes, backing off to every 5 s while it stays full (GetCurrentMetricData's budget is shared with
 * the account's dashboards); a release or freed capacity brings it back to half a second.
 */
const POLL_INTERVAL_MS = 500;
const MAX_POLL_INTERVAL_MS = 5_000;
/**
 * v3: the quota must stay full this long before reads back off (a storm that is draining keeps
 * finding capacity every few seconds and keeps its half-second reads).
 */
const FULL_BEFORE_BACKOFF_MS = 10_000;
/**
 * Temporal timers shorter than a second fire up to a second late; a read due sooner than this is
 * asked for at once and waits inside the read activity (see readOpenTasks' `notBefore`).
 */
const PRECISE_WAIT_BELOW_MS = 1_000;
/**
 * v3 hand-over: how long each quiet check waits — inside an activity, like sub-second reads: the
 * permits out take a few hundred milliseconds to come back, a timer would wait a second or two.
 */
const HANDOVER_TICK_MS = 250;
/** Queue ids are listed again this often (queues change rarely; agents come and go). */
const QUEUE_LIST_TTL_MS = 5 * 60_000;
/** A permit out this long without a report: ask whether its run has ended. */
const HOLDER_CHECK_MS = 5 * 60_000;
/** An idle gate completes; the next storm starts a new one. */
const IDLE_TIMEOUT_MS = 60_000;
/**
 * Continue as new well before Temporal's history limits. (4,000 halved the hand-overs, but the
 * 10,000-run bench's worker then peaked at 401 MB, against 362–375 MB with 2,000.)
 */
const MAX_HISTORY_EVENTS = 2_000;
/** How long a due continue-as-new waits for the permits out to come back. */
const QUIET_HANDOVER_MS = 10_000;
/** Arrivals bound for overflow that may ride along in continue-as-new's input (bounded state). */
const CAN_OVERFLOW_SLACK = 500;
/** Ids per `endedWorkflows` call. */
const HOLDERS_PER_CHECK = 100;

export interface CapacityGateInput {
  instanceId: string;
  /** Present after continue-as-new: this gate's state, or the first gate's. */
  state?: GateStateV2 | CapacityGateStateV1;
  /** History length that triggers continue-as-new (default 2000; tests use less). */
  maxHistoryEvents?: number;
  /** How long a permit may be out before the gate asks whether its run ended (default 5 minutes). */
  holderCheckMs?: number;
  /**
   * The remediation task queue, whose rate-limited queues the gate's AWS calls go to (the gate runs
   * on the gates' own queue). Absent for gates started on the remediation queue itself.
   */
  taskQueue?: string;
}

export async function taskCapacityGate(input: CapacityGateInput): Promise<CapacityGateStatus> {
  // Gates started before v2 replay the frozen first gate; their continue-as-new lands here.
  if (!patched(CAPACITY_GATE_V2)) return runCapacityGateV1(input as Parameters<typeof runCapacityGateV1>[0]);
  return new CapacityGate(input).run();
}

/** The gate's Prometheus metrics (the worker exports them; nothing is emitted while replaying). */
function gateMetrics(instanceId: string) {
  const meter = metricMeter.withTags({ instance: instanceId });
  return {
    queueLength: meter.createGauge(
      'connect_remediator_gate_queue_length',
      'int',
      'runs',
      'Runs waiting at the gate',
    ),
    permitsInFlight: meter.createGauge(
      'connect_remediator_gate_permits_in_flight',
      'int',
      'permits',
      'Permits out',
    ),
    grants: meter.createCounter('connect_remediator_gate_grants_total', 'grants', 'Permits granted'),
    quotaErrors: meter.createCounter(
      'connect_remediator_gate_quota_errors_total',
      'errors',
      'Re-issues that met a full quota despite a permit',
    ),
  };
}

class CapacityGate {
  private readonly instanceId: string;
  private readonly maxHistoryEvents: number;
  private readonly holderCheckMs: number;
  private readonly mainTaskQueue: string;
  private readonly queue: GateQueue;
  private changed = true;
  private lastOpenTasks?: number;
  /** Tasks our permits created since the last metrics read (not yet visible in it). */
  private createdSinceRead = 0;
  private lastReadAt = 0;
  /** When the last successful read was asked for (workflow clock, before its activity ran). */
  private lastReadBeganAt = 0;
  private queueIds?: { ids: string[]; at: number };
  private metricsUnreadable = false;
  private nextHolderCheckAt = 0;
  /** Grows while reads keep finding the quota full; back to POLL_INTERVAL_MS when anything moves. */
  private pollIntervalMs = POLL_INTERVAL_MS;
  private readonly metrics: ReturnType<typeof gateMetrics>;
  /** Gates from CAPACITY_GATE_V3 on: precise reads, a hand-over nothing can refuse. */
  private readonly v3: boolean;
  /** v3: when a read last found free capacity (reads back off only after FULL_BEFORE_BACKOFF_MS). */
  private capacitySeenAt = 0;
  /** Signals sent from message handlers, not yet delivered: the hand-over waits for them. */
  private readonly outgoing = new Set<Promise<unknown>>();

  constructor(input: CapacityGateInput) {
    this.instanceId = input.instanceId;
    this.metrics = gateMetrics(input.instanceId);
    this.maxHistoryEvents = input.maxHistoryEvents ?? MAX_HISTORY_EVENTS;
    this.holderCheckMs = input.holderCheckMs ?? HOLDER_CHECK_MS;
    this.mainTaskQueue = input.taskQueue ?? workflowInfo().taskQueue;
    this.v3 = patched(CAPACITY_GATE_V3);
    const now = Date.now();
    this.queue = new GateQueue(
      input.state === undefined
        ? emptyGateState(now)
        : 'version' in input.state
          ? input.state
          : fromV1State(input.state, now),
    );
    // Each message the same whether it came as a signal (senders from before v3) or an Update.
    const enqueue = (request: CapacityRequest) => this.touch(() => this.queue.enqueue(request, Date.now()));
    const chunkReported = (chunk: number, size: number) =>
      this.touch(() => this.queue.chunkReported(chunk, size));
    setHandler(enqueueForCapacitySignal, enqueue);
    setHandler(enqueueForCapacityUpdate, enqueue);
    setHandler(overflowReportUpdate, (report: OverflowReport) => {
      if (report.kind === 'size') chunkReported(report.chunk, report.size);
      else this.handBackReceived(report.chunk, report.waiters, report.remaining);
    });
    setHandler(releasePermitSignal, (release) =>
      this.touch(() => {
        this.pollIntervalMs = POLL_INTERVAL_MS;
        const held = this.queue.release(release, Date.now());
        // v3: a report for a permit the gate no longer held (a duplicate, or one reclaimed) made
        // no task the gate has not already counted.
        if (release.outcome === 'created' && (held || !this.v3) && !this.countedByLastRead(release))
          this.createdSinceRead++;
        if (release.outcome === 'quota-exceeded') this.metrics.quotaErrors.add(1);
      }),
    );
    setHandler(withdrawFromCapacitySignal, ({ workflowId }) =>
      this.touch(() => this.queue.withdraw(workflowId)),
    );
    setHandler(admitFromOverflowSignal, ({ chunk, waiters, remaining }) =>
      this.handBackReceived(chunk, waiters, remaining),
    );
    setHandler(overflowSizeSignal, ({ chunk, size }) => chunkReported(chunk, size));
    setHandler(capacityIntakeQuery, () => this.queue.intakeChunk() ?? {});
    setHandler(queuePositionQuery, (workflowId) => ({
      ...this.queue.position(workflowId),
      queueLength: this.queue.state.queue.length + this.queue.overflowLength(),
      inFlight: this.queue.inFlight,
    }));
    setHandler(capacityGateStatusQuery, () => this.status());
  }

  /**
   * A task created before the last read of open tasks began is already in that count (the run's
   * clock when its re-issue returned is no earlier than the creation, and the read began after).
   */
  private countedByLastRead(release: PermitRelease): boolean {
    return (
      release.createdAt !== undefined &&
      release.createdAt < this.lastReadBeganAt &&
      patched(GATE_COUNTS_CREATED_ONCE)
    );
  }

  private touch(change: () => unknown): void {
    change();
    this.changed = true;
  }

  private handBackReceived(chunk: number, waiters: WaiterRow[], remaining: number): void {
    this.touch(() => {
      const { retire } = this.queue.admitFromOverflow(chunk, waiters, remaining, Date.now());
      if (retire !== undefined) this.track(this.signalChunk(retire, 'seal'));
    });
  }

  /** Remembers a signal sent from a handler until it is delivered (the hand-over waits for it). */
  private track(sent: Promise<unknown>): void {
    this.outgoing.add(sent);
    void sent.finally(() => this.outgoing.delete(sent));
  }

  private cancelAlarm(): void {
    this.alarm?.scope.cancel();
    this.alarm = undefined;
  }

  /**
   * One durable timer at a time: a message that wakes the gate early leaves its timer running
   * (a later wake reuses it) instead of cancelling and starting one per message, which would
   * double the gate's history under a steady stream of releases.
   */
  private alarm?: { at: number; fired: boolean; scope: CancellationScope };

  private async sleepUntilChangedOr(at: number): Promise<void> {
    if (!this.alarm || this.alarm.fired || this.alarm.at > at) {
      this.alarm?.scope.cancel();
      const alarm = { at, fired: false, scope: new CancellationScope() };
      alarm.scope
        .run(() => sleep(Math.max(1, at - Date.now())))
        .then(
          () => void (alarm.fired = true),
          () => undefined, // cancelled: an earlier alarm replaced it
        );
      this.alarm = alarm;
    }
    const alarm = this.alarm;
    await condition(() => this.changed || alarm.fired);
  }

  async run(): Promise<CapacityGateStatus> {
    for (;;) {
      await this.reclaimFromEndedRuns();
      await this.admit();
      await this.flushOverflow();
      await this.refillFromOverflow();
      this.describe();
      if (this.shouldContinueAsNew()) {
        if (this.v3) return this.handOver();
        // Hand over in a quiet moment, so no message arrives while this run closes (the server
        // would fail that workflow task): no new grants; the permits out come back first.
        await condition(() => this.queue.inFlight === 0 && !this.queue.awaitingHandBack, QUIET_HANDOVER_MS);
        await condition(allHandlersFinished);
        // Arrivals keep coming while we hand over: flush until what is left is a handful.
        do await this.flushOverflow();
        while (this.queue.state.toOverflow.length > CAN_OVERFLOW_SLACK);
        return continueAsNew<typeof taskCapacityGate>(this.nextRunInput());
      }
      this.changed = false;
      if (this.queue.idle) {
        // v3: no alarm left running into the idle wait, so an idle gate completes with nothing pending.
        if (this.v3) this.cancelAlarm();
        if (!(await condition(() => this.changed, IDLE_TIMEOUT_MS))) {
          const tail = this.queue.retireEmptyTail();
          if (tail !== undefined) await this.signalChunk(tail, 'seal');
          if (this.v3) await Promise.all([...this.outgoing]);
          await condition(allHandlersFinished);
          if (this.queue.idle) return this.status();
        }
      } else {
        const wake = this.nextWakeMs();
        if (this.v3 && wake > 0 && wake < PRECISE_WAIT_BELOW_MS && this.readDueBy(Date.now() + wake)) {
          // A sub-second wait for the next read: waited inside the read (timers would be late).
          this.cancelAlarm();
          await this.openTasks(Date.now() + wake);
        } else if (wake > 0) await this.sleepUntilChangedOr(Date.now() + wake);
      }
    }
  }

  /** Whether the open-tasks count the gate has will be stale by `at` (metrics source only). */
  private readDueBy(at: number): boolean {
    const settings = this.queue.state.settings;
    if (settings?.source !== 'metrics' || settings.quota === undefined || this.metricsUnreadable)
      return false;
    return this.lastOpenTasks === undefined || at - this.lastReadBeganAt >= this.pollIntervalMs;
  }

  /**
   * Continue-as-new that the server cannot refuse. It refuses one when anything reached the gate
   * during that workflow task (temporalio/temporal#1289): so no grants while handing over; every
   * permit out comes back first (bounded by QUIET_HANDOVER_MS); nothing but the hand-over's own
   * short wait left pending (no timer, other activity, child or signal); arrivals and chunk reports
   * come as Updates, which the server hands to the next run instead.
   */
  private async handOver(): Promise<never> {
    this.cancelAlarm();
    const giveUpAt = Date.now() + QUIET_HANDOVER_MS;
    for (;;) {
      await Promise.all([...this.outgoing]);
      // Arrivals keep coming while we hand over: flush until what is left is a handful.
      while (this.queue.state.toOverflow.length > CAN_OVERFLOW_SLACK) await this.flushOverflow();
      await condition(allHandlersFinished);
      // The one thing pending: the workflow task its completion starts has nothing else in flight.
      await pauseBriefly.executeWithOptions(
        { summary: 'Wait for the permits out before continuing as new' },
        [{ ms: HANDOVER_TICK_MS }],
      );
      const quiet = this.queue.inFlight === 0 && !this.queue.awaitingHandBack;
      if (this.outgoing.size === 0 && (quiet || Date.now() >= giveUpAt)) break;
    }
    return continueAsNew<typeof taskCapacityGate>(this.nextRunInput());
  }

  private nextRunInput(): CapacityGateInput {
    return {
      instanceId: this.instanceId,
      state: this.queue.state,
      ...(this.maxHistoryEvents !== MAX_HISTORY_EVENTS ? { maxHistoryEvents: this.maxHistoryEvents } : {}),
      ...(this.holderCheckMs !== HOLDER_CHECK_MS ? { holderCheckMs: this.holderCheckMs } : {}),
      taskQueue: this.mainTaskQueue,
    };
  }

  // ---- granting ----------------------------------------------------------------------------

  /** Grants batch by batch while capacity, pace and the queue allow. */
  private async admit(): Promise<void> {
    for (;;) {
      const now = Date.now();
      if (this.queue.state.queue.length === 0 || this.queue.coolingDown(now)) return;
      const free = await this.freeSlots();
      const grants = this.queue.takeGrants(free, now);
      if (grants.length === 0) return;
      await Promise.all(grants.map((grant) => this.grant(grant)));
      this.metrics.grants.add(grants.length);
    }
  }

  private grant({ permitId, workflowId, ticket }: Grant): Promise<void> {
    return getExternalWorkflowHandle(workflowId)
      .signal(capacityGrantedSignal, { permitId, ...(ticket !== null ? { ticket } : {}) })
      .catch(() => this.queue.grantUndeliverable(permitId)); // the run is gone: nobody to admit
  }

  /** Free slots by the instance's setting; metrics that cannot be read fall back to probing. */
  private async freeSlots(): Promise<number> {
    const settings = this.queue.state.settings;
    if (settings?.source === 'metrics' && settings.quota !== undefined) {
      const readAt = this.lastReadAt;
      const open = await this.openTasks();
      if (open !== undefined) {
        const free = Math.max(0, settings.quota - open - this.queue.inFlight);
        // A fresh read of a full quota: look less often. Capacity found: look often again.
        if (this.lastReadAt !== readAt && !this.v3) {
          this.pollIntervalMs =
            free > 0 ? POLL_INTERVAL_MS : Math.min(this.pollIntervalMs * 2, MAX_POLL_INTERVAL_MS);
        }
        return free;
      }
    }
    return this.queue.probeFreeSlots();
  }

  /**
   * Open tasks, read at most once per poll interval (a burst of signals must not become a burst of
   * GetCurrentMetricData calls); between reads, tasks our permits created are added to the last.
   */
  private async openTasks(notBefore?: number): Promise<number | undefined> {
    const now = Date.now();
    if (
      notBefore === undefined &&
      this.lastOpenTasks !== undefined &&
      now - this.lastReadAt < this.pollIntervalMs
    ) {
      return this.lastOpenTasks + this.createdSinceRead;
    }
    // A delayed read begins no earlier than asked (later if its queue's rate held it back: a task
    // created meanwhile is then counted twice until the next read — the safe side).
    const began = Math.max(now, notBefore ?? now);
    try {
      const queueIds = await this.instanceQueueIds();
      let open = 0;
      for (let i = 0; i < queueIds.length; i += 100) {
        open += await awsActivities.readOpenTasks.executeWithOptions(
          onQueueOf('GetCurrentMetricData', `Read open tasks of ${this.instanceId}`, this.mainTaskQueue),
          [
            {
              instanceId: this.instanceId,
              queueIds: queueIds.slice(i, i + 100),
              ...(notBefore !== undefined && i === 0 ? { notBefore } : {}),
            },
          ],
        );
      }
      this.lastOpenTasks = open;
      this.lastReadAt = Date.now();
      this.lastReadBeganAt = began;
      this.createdSinceRead = 0;
      this.metricsUnreadable = false;
      if (this.v3) this.pace(open);
      return open;
    } catch {
      this.lastOpenTasks = undefined; // unreadable (permissions, outage): probe instead
      this.metricsUnreadable = true;
      return undefined;
    }
  }

  /**
   * v3: capacity found keeps reads at POLL_INTERVAL_MS; only a quota that stayed full for
   * FULL_BEFORE_BACKOFF_MS makes them back off (GetCurrentMetricData's budget is shared with the
   * account's dashboards).
   */
  private pace(open: number): void {
    const quota = this.queue.state.settings?.quota ?? 0;
    const now = Date.now();
    if (quota - open - this.queue.inFlight > 0 || this.capacitySeenAt === 0) {
      this.capacitySeenAt = now;
      this.pollIntervalMs = POLL_INTERVAL_MS;
    } else if (now - this.capacitySeenAt >= FULL_BEFORE_BACKOFF_MS) {
      this.pollIntervalMs = Math.min(this.pollIntervalMs * 2, MAX_POLL_INTERVAL_MS);
    }
  }

  private async instanceQueueIds(): Promise<string[]> {
    const configured = this.queue.state.settings?.queues;
    if (configured?.length) return configured;
    if (this.queueIds && Date.now() - this.queueIds.at < QUEUE_LIST_TTL_MS) return this.queueIds.ids;
    const ids = await awsActivities.listInstanceQueues.executeWithOptions(
      onQueueOf('ListQueues', `List the queues of ${this.instanceId}`, this.mainTaskQueue),
      [{ instanceId: this.instanceId }],
    );
    this.queueIds = { ids, at: Date.now() };
    return ids;
  }

  // ---- permits of runs that ended ------------------------------------------------------------

  private async reclaimFromEndedRuns(): Promise<void> {
    const now = Date.now();
    if (now < this.nextHolderCheckAt) return;
    const holders = this.queue.holdersToCheck(now, this.holderCheckMs);
    for (let i = 0; i < holders.length; i += HOLDERS_PER_CHECK) {
      const batch = holders.slice(i, i + HOLDERS_PER_CHECK);
      const ended = await endedWorkflows
        .executeWithOptions({ summary: `Which of ${batch.length} permit holders ended?` }, [
          { workflowIds: batch },
        ])
        .catch(() => [] as string[]);
      this.queue.reclaimEnded(batch, ended, Date.now());
    }
    this.nextHolderCheckAt = this.queue.nextHolderCheckAt(this.holderCheckMs) ?? now + this.holderCheckMs;
  }

  // ---- overflow chunks ---------------------------------------------------------------------

  /**
   * Hands arrivals bound for overflow to the tail chunk. Only what is waiting now: arrivals during
   * the hand-over wait for the next round, so a flood cannot keep the gate from continuing as new.
   */
  private async flushOverflow(): Promise<void> {
    for (let rounds = Math.ceil(this.queue.state.toOverflow.length / CHUNK_LIMIT) + 1; rounds > 0; rounds--) {
      const batch = this.queue.takeOverflowBatch();
      if (!batch) break;
      if (batch.isNew) await this.startChunk(batch.chunk, batch.waiters);
      else await this.signalChunk(batch.chunk, 'hold', batch.waiters);
    }
    // A full chunk takes no more arrivals (the gate's books; the chunk itself just holds on)…
    for (const chunk of this.queue.chunksToSeal()) this.queue.markSealed(chunk);
    // …and runs always have an open tail to join while the storm lasts.
    const opened = this.queue.openTailIfNeeded();
    if (opened !== undefined) await this.startChunk(opened, []);
  }

  private async startChunk(chunk: number, waiters: WaiterRow[]): Promise<void> {
    const input: CapacityOverflowInput = {
      instanceId: this.instanceId,
      chunk,
      gateLineage: workflowInfo().firstExecutionRunId,
      waiters,
    };
    if (this.v3) {
      // Not a child: a child's completion would reach the gate unasked (see handOver).
      await startOverflowChunk.executeWithOptions({ summary: `Start overflow chunk ${chunk}` }, [input]);
      return;
    }
    await startChild(CAPACITY_OVERFLOW_WORKFLOW_TYPE, {
      workflowId: capacityOverflowWorkflowId(this.instanceId, chunk),
      args: [input],
      // Chunks outlive this run of the gate: continue-as-new must not end them.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: `Overflow chunk ${chunk} of the task-capacity gate for ${this.instanceId}`,
    });
  }

  private async refillFromOverflow(): Promise<void> {
    const request = this.queue.refillRequest(Date.now());
    if (request) await this.signalChunk(request.chunk, 'handBack', request.count);
  }

  private signalChunk(chunk: number, what: 'hold' | 'seal' | 'handBack', payload?: unknown): Promise<void> {
    const handle = getExternalWorkflowHandle(capacityOverflowWorkflowId(this.instanceId, chunk));
    const sent =
      what === 'hold'
        ? handle.signal(holdInOverflowSignal, payload as WaiterRow[])
        : what === 'seal'
          ? handle.signal(sealOverflowSignal)
          : handle.signal(handBackSignal, { count: payload as number });
    // A chunk that is gone has nothing to hold or hand back; its runs re-queue themselves.
    return sent.catch(() => undefined);
  }

  // ---- timing and visibility ---------------------------------------------------------------

  private nextWakeMs(): number {
    const now = Date.now();
    const waits: number[] = [];
    if (this.queue.state.queue.length > 0) {
      const cooldown = this.queue.state.cooldownUntil - now;
      // v3: reads every poll interval from the start of the last one (not from now, which would
      // add each read's own round trip and the grants after it to every interval).
      const poll =
        this.v3 && this.lastOpenTasks !== undefined
          ? Math.max(1, this.lastReadBeganAt + this.pollIntervalMs - now)
          : this.pollIntervalMs;
      waits.push(Math.max(poll, cooldown, this.queue.paceWaitMs(now)));
    }
    const check = this.queue.nextHolderCheckAt(this.holderCheckMs);
    if (check !== undefined) waits.push(Math.max(1, check - now));
    const recheck = this.queue.nextTailRecheckAt();
    if (recheck !== undefined) waits.push(Math.max(1, recheck - now));
    return waits.length ? Math.min(...waits) : this.holderCheckMs;
  }

  private shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > this.maxHistoryEvents;
  }

  private status(): CapacityGateStatus {
    const s = this.queue.state;
    const settings = s.settings ?? { source: 'probe' as const };
    const overflowLength = this.queue.overflowLength();
    return {
      instanceId: this.instanceId,
      source: {
        source: settings.source,
        ...(settings.quota !== undefined ? { quota: settings.quota } : {}),
        ...(settings.queues ? { queues: settings.queues } : {}),
      },
      settings,
      queueLength: s.queue.length + overflowLength,
      overflowLength,
      overflowChunks: s.chunks.length,
      chunks: s.chunks.map((c) => ({ chunk: c.chunk, size: c.size, open: !c.sealed })),
      inFlight: this.queue.inFlight,
      window: Math.floor(s.window * 100) / 100,
      ...(this.lastOpenTasks !== undefined ? { lastOpenTasks: this.lastOpenTasks } : {}),
      ...s.stats,
      grantsPerMinute: s.grantsPerMinute.map(([minute, grants]) => [minute, grants]),
    };
  }

  private describe(): void {
    const s = this.queue.state;
    const settings = s.settings;
    const open = this.lastOpenTasks !== undefined ? `, ${this.lastOpenTasks} open tasks` : '';
    const overflow = this.queue.overflowLength();
    const source = settings
      ? `${settings.source}${settings.quota !== undefined ? `, quota ${settings.quota}` : ''}${this.metricsUnreadable ? ', metrics unreadable: probing' : ''}`
      : 'no setting yet';
    setCurrentDetails(
      `**${s.queue.length + overflow} waiting**${overflow ? ` (${overflow} in ${s.chunks.length} overflow chunks)` : ''}, ` +
        `${this.queue.inFlight} re-issuing${open} (${source}); ` +
        `${s.stats.created} tasks created, ${s.stats.quotaErrors} quota errors, ${s.stats.reclaimed} permits reclaimed`,
    );
    this.metrics.queueLength.set(s.queue.length + overflow);
    this.metrics.permitsInFlight.set(this.queue.inFlight);
  }
}
