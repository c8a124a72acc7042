/**
 * remediateFailedAction — one durable run per failed Connect rule action.
 *
 *   resolve the policy (once, recorded in history)
 *   → act by strategy: retry with backoff | wait for task capacity | escalate | ignore
 *   → escalate what cannot be recovered, then wait for a person: retry | resolve | abandon
 *   → outcome: recovered | escalated | resolved | abandoned
 *
 * Every wait is a durable timer and every side effect an activity, so a worker can die at any
 * point and another one picks the run up where it was.
 */
import { msToNumber } from '@temporalio/common/lib/time';
import {
  CancellationScope,
  condition,
  type ExternalWorkflowHandle,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import type { RemediationActivities } from '../activities';
import type { AdditionalInfo, ConnectFailureEvent } from '../events/types';
import { additionalInfoOf, matchFactsOf } from '../policies/facts';
import { openingMove } from '../policies/opening-move';
import { REISSUABLE_ACTION_TYPES } from '../policies/reason-codes';
import { nextAttemptDelay } from '../policies/schedule';
import type { MatchFacts, ReissueOverrides, ResolvedPolicy } from '../policies/types';
import {
  abandonSignal,
  capacityGateWorkflowId,
  capacityGrantedSignal,
  releasePermitSignal,
  resolveSignal,
  withdrawFromCapacitySignal,
  type PermitOutcome,
  retrySignal,
  statusQuery,
  type AttemptRecord,
  type ErrorSummary,
  type EscalationRecord,
  type OperatorDecision,
  type RemediationInput,
  type RemediationOutcome,
  type RemediationResult,
  type RemediationStatus,
} from './definitions';
import { classifyReissueFailure, summarizeFailure } from './failures';
import { applyOperatorOverrides } from './overrides';
import { announceEvent, announcePolicy, enterPhase, formatDuration } from './visibility';

// Must succeed for the run to go on (the policy store is in memory; joining the gate is one
// signal-with-start): retried until they do, visibly, as pending activities.
const { resolvePolicy, enqueueForCapacity } = proxyActivities<RemediationActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

// Nice to have: an escalation goes out without the notification content, a queued run without a
// fresh position, rather than waiting on them.
const { describeNotification, capacityQueuePosition } = proxyActivities<RemediationActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '10s', maximumAttempts: 3 },
});

// Network faults are retried here; AWS's own answers come back as non-retryable failures so the
// policy (below) decides with durable timers.
const { reissueCreateTask, reissueEventBridgeEvent } = proxyActivities<RemediationActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 },
});

// No attempt limit: an escalation that cannot be delivered keeps trying (visible in the Web UI as
// a pending activity with its last failure) until it gets through or an operator answers.
const { notifyChannel } = proxyActivities<RemediationActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m' },
});

type Step =
  | { kind: 'retry'; why: string }
  | { kind: 'wait-for-capacity' }
  | { kind: 'escalate'; reason: string }
  /** Wait for a person again without notifying anyone (e.g. a retry that cannot apply). */
  | { kind: 'await-operator'; reason: string }
  | { kind: 'end'; outcome: RemediationOutcome; summary: string };

type OperatorAction = 'retry' | 'resolve' | 'abandon';
type Decision = OperatorDecision & { action: OperatorAction };

const REISSUABLE = new Set(REISSUABLE_ACTION_TYPES);

/**
 * How often a queued run asks the gate for its position: every query lands on the one gate
 * workflow, so far-back runs ask rarely (a storm of thousands must not become a storm of queries).
 */
function positionRefreshMs(position: number | undefined): number {
  if (position === undefined) return 2 * 60_000;
  return Math.min(15 * 60_000, Math.max(60_000, position * 5_000));
}

export async function remediateFailedAction(input: RemediationInput): Promise<RemediationResult> {
  return new Remediation(input.event).run();
}

const now = () => Date.now();
const iso = (ms: number = now()) => new Date(ms).toISOString();
const end = (outcome: RemediationOutcome, summary: string): Step => ({ kind: 'end', outcome, summary });

class Remediation {
  /** What policies match on, derived from the event once. */
  private readonly facts: MatchFacts;
  private readonly instanceId: string;
  private readonly info: AdditionalInfo;
  private readonly attempts: AttemptRecord[] = [];
  private readonly escalations: EscalationRecord[] = [];
  private readonly status: RemediationStatus = {
    phase: 'received',
    attempt: 0,
    attempts: this.attempts,
    escalations: this.escalations,
  };
  private policy!: ResolvedPolicy;
  private overrides: ReissueOverrides = {};
  private deadlineAt = 0;
  /** A task-capacity permit the gate granted and this run has not used yet. */
  private permit?: string;
  /** An operator decision not yet acted on; signals can arrive in any phase. */
  private pending?: Decision;

  constructor(private readonly event: ConnectFailureEvent) {
    this.facts = matchFactsOf(event);
    this.instanceId = this.facts.instanceId;
    this.info = additionalInfoOf(event);
    setHandler(statusQuery, () => this.status);
    const receive = (action: OperatorAction) => (decision?: OperatorDecision) => {
      this.pending = { ...decision, action };
    };
    setHandler(retrySignal, receive('retry'));
    setHandler(resolveSignal, receive('resolve'));
    setHandler(abandonSignal, receive('abandon'));
    setHandler(capacityGrantedSignal, ({ permitId }) => {
      this.permit = permitId;
    });
  }

  async run(): Promise<RemediationResult> {
    announceEvent(this.event, this.instanceId);
    this.policy = await resolvePolicy.executeWithOptions({ summary: 'Resolve remediation policy' }, [
      this.facts,
    ]);
    const { name, setHash, strategy } = this.policy;
    this.status.policy = { name, setHash, strategy };
    announcePolicy(this.policy);
    this.overrides = { ...this.policy.reissue };
    this.restartDeadline();

    let step = this.firstStep();
    while (step.kind !== 'end') step = await this.perform(step);
    return this.finish(step.outcome, step.summary);
  }

  private firstStep(): Step {
    const { name } = this.policy;
    const { reasonCode } = this.event.detail;
    const move = openingMove(this.policy, this.facts);
    switch (move.kind) {
      case 'ignore':
        return end('resolved', `Ignored by policy ${name} (recorded only)`);
      case 'escalate':
        return {
          kind: 'escalate',
          reason:
            move.because === 'policy'
              ? `Policy ${name} escalates ${reasonCode}`
              : move.because === 'not-reissuable'
                ? this.cannotReissue()
                : `AWS marked the ${reasonCode} failure as not retryable`,
        };
      case 'wait-for-capacity':
        return { kind: 'wait-for-capacity' };
      case 'retry':
        return { kind: 'retry', why: `policy ${name}` };
    }
  }

  private perform(step: Exclude<Step, { kind: 'end' }>): Promise<Step> {
    switch (step.kind) {
      case 'retry':
        return this.retryWithBackoff();
      case 'wait-for-capacity':
        return this.waitForCapacity();
      case 'escalate':
        return this.escalateAndAwaitOperator(step.reason);
      case 'await-operator':
        return this.awaitOperator(step.reason);
    }
  }

  private cannotReissue(): string {
    return this.event.detail.actionType === 'SEND_NOTIFICATION'
      ? 'No public API re-sends a rule notification: a person must send it (content attached)'
      : `connect-remediator cannot re-issue ${this.event.detail.actionType} actions`;
  }

  private restartDeadline(): void {
    this.deadlineAt = now() + msToNumber(this.policy.deadline);
  }

  /** Never sooner than AWS's own retryDelay or the latest error's hint. */
  private retryHintMs(): number | undefined {
    const hints = [this.info.retryDelay, this.status.lastError?.retryAfterMs].filter(
      (h): h is number => typeof h === 'number',
    );
    return hints.length ? Math.max(...hints) : undefined;
  }

  private lastErrorText(): string {
    const e = this.status.lastError;
    return e ? `last error ${e.name}: ${e.message}` : `after ${this.event.detail.reasonCode}`;
  }

  /** Sleeps on a durable timer, waking early if an operator decides. True = an operator decided. */
  private async waitOrDecision(delayMs: number, summary: string): Promise<boolean> {
    if (this.pending) return true;
    if (delayMs <= 0) return false;
    return condition(() => this.pending !== undefined, delayMs, { summary });
  }

  private async retryWithBackoff(): Promise<Step> {
    const { retry, deadline } = this.policy;
    for (let n = 1; n <= retry.maximumAttempts; n++) {
      const delayMs = nextAttemptDelay(n, retry, { random: Math.random, retryHintMs: this.retryHintMs() });
      if (now() + delayMs > this.deadlineAt) {
        return {
          kind: 'escalate',
          reason: `The policy deadline (${deadline}) would pass before retry ${n}; ${this.lastErrorText()}`,
        };
      }
      this.status.nextAttemptAt = iso(now() + delayMs);
      enterPhase(
        this.status,
        'retrying',
        `retry ${n} of ${retry.maximumAttempts} in ${formatDuration(delayMs)} (at ${this.status.nextAttemptAt}); ${this.lastErrorText()}`,
      );
      if (await this.waitOrDecision(delayMs, `Backoff before retry ${n}`)) return this.actOnDecision();
      const attempt = await this.reissue('policy', delayMs);
      if (attempt.ok) return this.recovered(attempt);
      const { verdict, why } = classifyReissueFailure(attempt.error!);
      if (verdict === 'escalate') return { kind: 'escalate', reason: `${why}: ${attempt.error!.message}` };
      if (verdict === 'wait-for-capacity' && this.canWaitForCapacity()) return { kind: 'wait-for-capacity' };
    }
    return {
      kind: 'escalate',
      reason: `Gave up after ${retry.maximumAttempts} retries; ${this.lastErrorText()}`,
    };
  }

  private canWaitForCapacity(): boolean {
    return this.event.detail.actionType === 'CREATE_TASK' && this.policy.capacity !== undefined;
  }

  /**
   * Task quota full: queue at the instance's capacity gate and re-issue only with a permit, so a
   * storm drains at the pace capacity frees up. `capacity.maxWait` bounds the wait.
   */
  private async waitForCapacity(): Promise<Step> {
    const capacity = this.policy.capacity ?? {
      maxWait: '6h',
      then: 'escalate' as const,
      source: 'probe' as const,
    };
    const since = now();
    const deadline = since + msToNumber(capacity.maxWait);
    const request = {
      instanceId: this.instanceId,
      workflowId: workflowInfo().workflowId,
      priority: capacity.priority ?? 0,
      source: capacity.source,
      ...(capacity.quota !== undefined ? { quota: capacity.quota } : {}),
      ...(capacity.queues ? { queues: capacity.queues } : {}),
    };
    this.status.capacity = { waitingSince: iso(since) };
    const gate = getExternalWorkflowHandle(capacityGateWorkflowId(this.instanceId));
    await enqueueForCapacity.executeWithOptions({ summary: 'Queue for task capacity' }, [request]);
    try {
      for (;;) {
        this.describeCapacityWait(since);
        const refreshMs = Math.min(
          positionRefreshMs(this.status.capacity.position),
          Math.max(0, deadline - now()),
        );
        if (this.permit === undefined && !this.pending && refreshMs > 0) {
          await condition(() => this.permit !== undefined || this.pending !== undefined, refreshMs, {
            summary: 'Wait for a task-capacity permit',
          });
        }
        if (this.pending && this.permit === undefined) {
          await this.withdraw(gate, request.workflowId);
          return this.actOnDecision();
        }
        if (this.permit !== undefined) {
          const permitId = this.permit;
          this.permit = undefined;
          const attempt = await this.reissue('capacity', now() - since);
          const verdict = attempt.ok ? undefined : classifyReissueFailure(attempt.error!);
          await this.releasePermit(
            request,
            permitId,
            attempt.ok ? 'created' : verdict!.verdict === 'wait-for-capacity' ? 'quota-exceeded' : 'failed',
          );
          if (attempt.ok) return this.recovered(attempt);
          if (verdict!.verdict === 'escalate')
            return { kind: 'escalate', reason: `${verdict!.why}: ${attempt.error!.message}` };
          // Quota still full (the gate re-queued us at the head) or a transient error: wait again.
          if (verdict!.verdict === 'retry')
            await enqueueForCapacity.executeWithOptions({ summary: 'Queue for task capacity again' }, [
              request,
            ]);
          continue;
        }
        if (now() >= deadline) {
          await this.withdraw(gate, request.workflowId);
          return capacity.then === 'retry'
            ? { kind: 'retry', why: 'capacity wait exhausted' }
            : {
                kind: 'escalate',
                reason: `No task capacity within ${capacity.maxWait}; ${this.lastErrorText()}`,
              };
        }
        const queue = await capacityQueuePosition
          .executeWithOptions({ summary: 'Check queue position' }, [
            { instanceId: this.instanceId, workflowId: request.workflowId },
          ])
          .catch(() => undefined);
        if (queue?.position !== undefined) this.status.capacity.position = queue.position;
        else if (queue && this.permit === undefined) {
          // The gate does not know us (it was reset or reclaimed our permit): queue again.
          await enqueueForCapacity.executeWithOptions({ summary: 'Queue for task capacity again' }, [
            request,
          ]);
        }
      }
    } finally {
      delete this.status.capacity;
    }
  }

  /** Leaves the gate's queue; a gate that is gone (terminated by hand) has no queue to leave. */
  private async withdraw(gate: ExternalWorkflowHandle, workflowId: string): Promise<void> {
    await gate.signal(withdrawFromCapacitySignal, { workflowId }).catch(() => undefined);
  }

  private async releasePermit(
    request: { instanceId: string; workflowId: string },
    permitId: string,
    outcome: PermitOutcome,
  ): Promise<void> {
    const gate = getExternalWorkflowHandle(capacityGateWorkflowId(request.instanceId));
    // If the gate is gone its permits are gone with it: nothing to release.
    await gate
      .signal(releasePermitSignal, { permitId, workflowId: request.workflowId, outcome })
      .catch(() => undefined);
  }

  private describeCapacityWait(since: number): void {
    const position = this.status.capacity?.position;
    const ahead =
      position === undefined ? 'queued' : position === 0 ? 'permit granted' : `${position - 1} ahead`;
    enterPhase(
      this.status,
      'waiting-capacity',
      `waiting for task capacity: ${ahead}, ${formatDuration(now() - since)} so far`,
    );
  }

  private async reissue(trigger: AttemptRecord['trigger'], delayMs: number): Promise<AttemptRecord> {
    const n = this.attempts.length + 1;
    this.status.attempt = n;
    delete this.status.nextAttemptAt;
    const createsTask = this.event.detail.actionType === 'CREATE_TASK';
    const activity = createsTask ? reissueCreateTask : reissueEventBridgeEvent;
    const summary = `Re-issue ${createsTask ? 'StartTaskContact' : 'PutEvents'}, attempt ${n}${trigger === 'operator' ? ' (operator retry)' : ''}`;
    const startedAt = iso();
    let record: AttemptRecord;
    try {
      const result = await activity.executeWithOptions({ summary }, [
        { event: this.event, overrides: this.overrides, attempt: n },
      ]);
      record = {
        attempt: n,
        trigger,
        delayMs,
        startedAt,
        finishedAt: iso(),
        ok: true,
        resultId: result.resultId,
      };
      if (result.notes.length) record.notes = result.notes;
    } catch (err) {
      if (isCancellation(err)) throw err;
      const error: ErrorSummary = summarizeFailure(err);
      this.status.lastError = error;
      record = { attempt: n, trigger, delayMs, startedAt, finishedAt: iso(), ok: false, error };
    }
    this.attempts.push(record);
    // In the memo so `runs list` and the Web UI's list show attempts without asking each run.
    upsertMemo({ attempts: this.attempts.length });
    return record;
  }

  private recovered(attempt: AttemptRecord): Step {
    const what =
      this.event.detail.actionType === 'CREATE_TASK'
        ? `task ${attempt.resultId}`
        : `event ${attempt.resultId}`;
    return end('recovered', `Recovered on attempt ${attempt.attempt}: ${what}`);
  }

  private async escalateAndAwaitOperator(reason: string): Promise<Step> {
    const channels = this.policy.escalateTo;
    const record: EscalationRecord = {
      at: iso(),
      reason,
      channels: channels.map((c) => ({ name: c.name, type: c.type, ok: false, detail: 'sending' })),
    };
    this.escalations.push(record);
    enterPhase(
      this.status,
      'escalated',
      `${reason}; notifying ${channels.map((c) => c.name).join(', ') || 'nobody (no channels)'}`,
    );

    const notification =
      this.event.detail.actionType === 'SEND_NOTIFICATION'
        ? await describeNotification({ instanceId: this.instanceId, ruleId: this.event.detail.ruleId }).catch(
            () => undefined,
          )
        : undefined;
    const message = {
      workflowId: workflowInfo().workflowId,
      reason,
      escalationNumber: this.escalations.length,
      event: this.event,
      policy: { name: this.policy.name, setHash: this.policy.setHash },
      attempts: this.attempts.length,
      ...(this.status.lastError
        ? { lastError: { name: this.status.lastError.name, message: this.status.lastError.message } }
        : {}),
      ...(notification ? { notification } : {}),
    };
    const delivery = new CancellationScope();
    const deliveries = delivery.run(() =>
      Promise.all(
        channels.map((channel, i) =>
          notifyChannel
            .executeWithOptions({ summary: `Escalate via ${channel.name} (${channel.type})` }, [
              { channel, message },
            ])
            .then(
              (detail) => (record.channels[i] = { name: channel.name, type: channel.type, ok: true, detail }),
              (err: unknown) => {
                record.channels[i]!.detail = isCancellation(err)
                  ? 'cancelled: an operator answered first'
                  : summarizeFailure(err).message;
              },
            ),
        ),
      ),
    );
    const delivered = () => channels.length === 0 || record.channels.some((c) => c.ok);
    // Until at least one channel got through, nobody knows: keep the run open and the channels retrying.
    await condition(() => this.pending !== undefined || delivered());
    const answered = await this.waitForAnswer(reason);
    // Channels still retrying are no longer needed once a person has answered (or the wait ran out).
    delivery.cancel();
    await deliveries;
    return answered ? this.actOnDecision() : this.unanswered(reason);
  }

  private async awaitOperator(reason: string): Promise<Step> {
    return (await this.waitForAnswer(reason)) ? this.actOnDecision() : this.unanswered(reason);
  }

  /** True when an operator decided; false when the policy's operatorWait ran out. */
  private async waitForAnswer(reason: string): Promise<boolean> {
    if (this.pending) return true;
    const waitMs = msToNumber(this.policy.operatorWait);
    this.status.awaitingOperatorUntil = iso(now() + waitMs);
    enterPhase(
      this.status,
      'awaiting-operator',
      `${reason}. Waiting for an operator (retry / resolve / abandon) until ${this.status.awaitingOperatorUntil}`,
    );
    const answered = await condition(() => this.pending !== undefined, waitMs, {
      summary: 'Wait for an operator',
    });
    delete this.status.awaitingOperatorUntil;
    return answered;
  }

  private unanswered(reason: string): Step {
    return end('escalated', `Escalated; no operator answer within ${this.policy.operatorWait}: ${reason}`);
  }

  private async actOnDecision(): Promise<Step> {
    const decision = this.pending!;
    this.pending = undefined;
    this.status.decision = { ...decision, at: iso() };
    const by = decision.by ? ` by ${decision.by}` : '';
    const note = decision.note ? `: ${decision.note}` : '';
    if (decision.action === 'resolve') return end('resolved', `Resolved${by}${note}`);
    if (decision.action === 'abandon') return end('abandoned', `Abandoned${by}${note}`);

    if (!REISSUABLE.has(this.event.detail.actionType)) {
      return {
        kind: 'await-operator',
        reason: `Retry is not possible: ${this.cannotReissue()}. Resolve or abandon`,
      };
    }
    const { overrides, ignored } = applyOperatorOverrides(this.overrides, decision.overrides ?? {});
    this.overrides = overrides;
    // An operator retry restarts the policy's budget: the person has changed something.
    this.restartDeadline();
    const attempt = await this.reissue('operator', 0);
    if (ignored.length)
      attempt.notes = [...(attempt.notes ?? []), `ignored unknown overrides: ${ignored.join(', ')}`];
    if (attempt.ok) return this.recovered(attempt);
    const { verdict, why } = classifyReissueFailure(attempt.error!);
    if (verdict === 'retry') return { kind: 'retry', why: 'operator retry hit a transient error' };
    if (verdict === 'wait-for-capacity' && this.canWaitForCapacity()) return { kind: 'wait-for-capacity' };
    return { kind: 'escalate', reason: `Operator retry failed — ${why}: ${attempt.error!.message}` };
  }

  private finish(outcome: RemediationOutcome, summary: string): RemediationResult {
    enterPhase(this.status, outcome, summary);
    return {
      outcome,
      eventId: this.event.id,
      ...(this.status.policy ? { policy: this.status.policy } : {}),
      attempts: this.attempts,
      escalations: this.escalations,
      ...(this.status.decision ? { decision: this.status.decision } : {}),
      summary,
    };
  }
}
