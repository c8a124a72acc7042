/**
 * remediateFailedAction — one durable run per failed Connect rule action. It reads like the
 * README's runbook ("What happens to a failure event"):
 *
 *   1. resolve the policy (once, recorded in history)
 *   2. act by strategy: retry with backoff | wait for task capacity | escalate | ignore
 *   3. re-issue the action (reissue.ts), holding a capacity permit when waiting (capacity-wait.ts)
 *   4. escalate what cannot be recovered (escalation.ts),
 *   5. then wait for a person: retry | resolve | abandon
 *   → outcome: recovered | escalated | resolved | abandoned
 *
 * Every wait is a durable timer and every side effect an activity, so a worker can die at any
 * point and another one picks the run up where it was.
 */
import { allHandlersFinished, condition, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { RemediationActivities } from '../activities';
import type { AdditionalInfo, ConnectFailureEvent } from '../events/types';
import { additionalInfoOf, matchFactsOf } from '../policies/facts';
import { openingMove } from '../policies/opening-move';
import { cannotReissueReason, REISSUABLE_ACTION_TYPES } from '../policies/reason-codes';
import { nextAttemptDelay } from '../policies/schedule';
import { capacityOf, policyTimings, type PolicyTimings } from '../policies/timings';
import type { MatchFacts, ReissueOverrides, ResolvedPolicy } from '../policies/types';
import { waitForCapacity } from './capacity-wait';
import {
  statusQuery,
  type AttemptRecord,
  type EscalationRecord,
  type RemediationInput,
  type RemediationOutcome,
  type RemediationResult,
  type RemediationStatus,
} from './definitions';
import {
  fallBack,
  markDelivery,
  newEscalationRecord,
  notifyChannels,
  type ChannelDeliveries,
} from './escalation';
import { classifyReissueFailure, retryHintMs } from './failures';
import { applyOperatorOverrides } from './overrides';
import { OperatorInbox } from './operator';
import { Reissuer } from './reissue';
import { joinIncidentOfCause } from './incident-membership';
import { countMetric } from './metrics';
import { announceEvent, announcePolicy, enterPhase, formatDuration, recordAttempts } from './visibility';

// A local activity: the policy store is in this worker's memory, and the run's first workflow
// task resolves it (and, waiting for capacity, makes sure of the gate) as one Temporal action.
// Must succeed for the run to go on: retried until it does.
const { resolvePolicy } = proxyLocalActivities<RemediationActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

type Step =
  | { kind: 'retry'; why: string }
  | { kind: 'wait-for-capacity' }
  | { kind: 'escalate'; reason: string }
  /** Wait for a person again without notifying anyone (e.g. a retry that cannot apply). */
  | { kind: 'await-operator'; reason: string }
  | { kind: 'end'; outcome: RemediationOutcome; summary: string };

const REISSUABLE = new Set(REISSUABLE_ACTION_TYPES);

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
  private readonly reissuer: Reissuer;
  private policy!: ResolvedPolicy;
  private timings!: PolicyTimings;
  private overrides: ReissueOverrides = {};
  private deadlineAt = 0;
  /** Operator decisions; they can arrive in any phase. */
  private readonly operator = new OperatorInbox(() => this.status.phase);
  /** An escalation of this run reached nobody through its policy's channels (see awaitDelivery). */
  private undelivered = false;

  constructor(private readonly event: ConnectFailureEvent) {
    this.facts = matchFactsOf(event);
    this.instanceId = this.facts.instanceId;
    this.info = additionalInfoOf(event);
    this.reissuer = new Reissuer(event, this.status);
    setHandler(statusQuery, () => this.status);
  }

  async run(): Promise<RemediationResult> {
    announceEvent(this.event, this.instanceId);
    this.policy = await resolvePolicy.executeWithOptions({ summary: 'Resolve remediation policy' }, [
      this.facts,
    ]);
    const { name, setHash, strategy } = this.policy;
    this.status.policy = { name, setHash, strategy };
    announcePolicy(this.policy, this.status);
    this.timings = policyTimings(this.policy);
    this.overrides = { ...this.policy.reissue };
    this.restartDeadline();

    let step = this.firstStep();
    while (step.kind !== 'end') step = await this.perform(step);
    // A decision still waiting is answered that it came too late.
    this.operator.close(step.outcome);
    await condition(allHandlersFinished);
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
                ? cannotReissueReason(this.event.detail.actionType)
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

  private restartDeadline(): void {
    this.deadlineAt = now() + this.timings.deadlineMs;
  }

  /** Never sooner than AWS's own retryDelay or the latest error's hint. */
  private retryHintMs(): number | undefined {
    return retryHintMs(this.info.retryDelay, this.status.lastError);
  }

  private lastErrorText(): string {
    const e = this.status.lastError;
    return e ? `last error ${e.name}: ${e.message}` : `after ${this.event.detail.reasonCode}`;
  }

  private reissue(trigger: AttemptRecord['trigger'], delayMs: number): Promise<AttemptRecord> {
    return this.reissuer.attempt(trigger, delayMs, this.overrides);
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
      if (await this.operator.waitUpTo(delayMs, `Backoff before retry ${n}`)) return this.actOnDecision();
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

  /** Task quota full: wait in the instance's waiting room; its gate re-issues when capacity frees. */
  private async waitForCapacity(): Promise<Step> {
    const capacity = capacityOf(this.policy);
    const outcome = await waitForCapacity({
      instanceId: this.instanceId,
      capacity,
      status: this.status,
      reissuer: this.reissuer,
      overrides: this.overrides,
      operatorDecided: () => this.operator.decided,
    });
    switch (outcome.kind) {
      case 'recovered':
        return this.recovered(outcome.attempt);
      case 'escalate':
        return { kind: 'escalate', reason: outcome.reason };
      case 'operator-decided':
        return this.actOnDecision();
      case 'max-wait-passed':
        return capacity.then === 'retry'
          ? { kind: 'retry', why: 'capacity wait exhausted' }
          : {
              kind: 'escalate',
              reason: `No task capacity within ${capacity.maxWait}; ${this.lastErrorText()}`,
            };
    }
  }

  private recovered(attempt: AttemptRecord): Step {
    const what =
      this.event.detail.actionType === 'CREATE_TASK'
        ? `task ${attempt.resultId}`
        : `event ${attempt.resultId}`;
    return end('recovered', `Recovered on attempt ${attempt.attempt}: ${what}`);
  }

  private async escalateAndAwaitOperator(reason: string): Promise<Step> {
    countMetric('connect_remediator_escalations_total', this.escalationLabels());
    if (this.policy.incident) return this.joinIncidentAndAwaitOperator(reason);
    const channels = this.policy.escalateTo;
    const record = newEscalationRecord(reason, channels, iso());
    this.escalations.push(record);
    enterPhase(
      this.status,
      'escalated',
      `${reason}; notifying ${channels.map((c) => c.name).join(', ') || 'nobody (no channels)'}`,
    );
    const deliveries = await notifyChannels({
      event: this.event,
      instanceId: this.instanceId,
      policy: this.policy,
      channels,
      reason,
      record,
      escalationNumber: this.escalations.length,
      status: this.status,
    });
    await this.awaitDelivery(deliveries);
    const failedChannels = record.channels.filter((c) => !c.ok);
    const answered = await this.waitForAnswer(
      this.undelivered
        ? `${reason}. NO CHANNEL DELIVERED: ${failedChannels.map((c) => `${c.name}: ${c.detail}`).join('; ')}` +
            (this.policy.fallback ? ` (fallback ${this.policy.fallback.name} told)` : '')
        : reason,
    );
    // Channels still retrying are no longer needed once a person has answered (or the wait ran out).
    await deliveries.stop();
    return answered ? this.actOnDecision() : this.unanswered(reason);
  }

  /**
   * Escalations of one cause form one incident (workflows/incident.ts): the run joins it instead of
   * notifying the channels itself, then waits for an operator as any escalated run — the incident's
   * answer arrives as the run's own decision, and the run can still be answered on its own.
   */
  private async joinIncidentAndAwaitOperator(reason: string): Promise<Step> {
    const record: EscalationRecord = { at: iso(), reason, channels: [] };
    this.escalations.push(record);
    enterPhase(this.status, 'escalated', `${reason}; joining the incident of its cause`);
    const incidentId = await joinIncidentOfCause(this.event, this.policy, record);
    const answered = await this.waitForAnswer(
      `${reason}. Part of incident ${incidentId}: answer it for every run (incidents answer ${incidentId}), or this run alone`,
    );
    return answered ? this.actOnDecision() : this.unanswered(reason);
  }

  /**
   * Until a channel got through, nobody knows: the channels keep retrying what may pass. Channels
   * that failed for good (every one of them) do not hold the run: the failure is made visible, the
   * fallback channel is told (without waiting on it), and the operator wait starts.
   */
  private async awaitDelivery(deliveries: ChannelDeliveries): Promise<void> {
    const done = () => this.operator.decided || deliveries.delivered() || deliveries.settled();
    await condition(done);
    if (this.operator.decided || deliveries.delivered()) {
      if (this.undelivered) {
        this.undelivered = false;
        markDelivery('delivered', this.policy.name);
      }
      return;
    }
    this.undelivered = true;
    // Not awaited: a fallback that is itself retrying must not hold the operator wait back.
    void fallBack(deliveries, this.policy).then((ok) => {
      if (ok && this.undelivered) markDelivery('fallback', this.policy.name);
    });
  }

  private async awaitOperator(reason: string): Promise<Step> {
    return (await this.waitForAnswer(reason)) ? this.actOnDecision() : this.unanswered(reason);
  }

  /** True when an operator decided; false when the policy's operatorWait ran out. */
  private async waitForAnswer(reason: string): Promise<boolean> {
    if (this.operator.decided) return true;
    const waitMs = this.timings.operatorWaitMs;
    this.status.awaitingOperatorUntil = iso(now() + waitMs);
    enterPhase(
      this.status,
      'awaiting-operator',
      `${reason}. Waiting for an operator (retry / resolve / abandon) until ${this.status.awaitingOperatorUntil}`,
    );
    const answered = await condition(() => this.operator.decided, waitMs, {
      summary: 'Wait for an operator',
    });
    delete this.status.awaitingOperatorUntil;
    return answered;
  }

  private escalationLabels() {
    return { policy: this.policy.name, incident: String(Boolean(this.policy.incident)) };
  }

  private unanswered(reason: string): Step {
    countMetric('connect_remediator_operator_waits_expired_total', this.escalationLabels());
    return end('escalated', `Escalated; no operator answer within ${this.policy.operatorWait}: ${reason}`);
  }

  private async actOnDecision(): Promise<Step> {
    const decision = this.operator.take();
    this.status.decision = { ...decision, at: iso() };
    const by = decision.by ? ` by ${decision.by}` : '';
    const note = decision.note ? `: ${decision.note}` : '';
    if (decision.action === 'resolve' || decision.action === 'abandon') {
      const outcome = decision.action === 'resolve' ? 'resolved' : 'abandoned';
      this.operator.report(decision.action, `the run ends ${outcome}`);
      return end(outcome, `${outcome === 'resolved' ? 'Resolved' : 'Abandoned'}${by}${note}`);
    }

    if (!REISSUABLE.has(this.event.detail.actionType)) {
      const reason = `Retry is not possible: ${cannotReissueReason(this.event.detail.actionType)}. Resolve or abandon`;
      this.operator.report('retry', `${reason}; the run keeps waiting`);
      return { kind: 'await-operator', reason };
    }
    // Every key is known: the decision passed policies/operator-decision.ts on its way in.
    this.overrides = applyOperatorOverrides(this.overrides, decision.overrides ?? {}).overrides;
    // An operator retry restarts the policy's budget: the person has changed something.
    this.restartDeadline();
    const changed = Object.keys(decision.overrides ?? {});
    this.operator.report(
      'retry',
      `re-issuing now (attempt ${this.status.attempts.length + 1}${changed.length ? `, with ${changed.join(', ')}` : ''}); follow it with runs show`,
    );
    const attempt = await this.reissue('operator', 0);
    if (attempt.ok) return this.recovered(attempt);
    const { verdict, why } = classifyReissueFailure(attempt.error!);
    if (verdict === 'retry') return { kind: 'retry', why: 'operator retry hit a transient error' };
    if (verdict === 'wait-for-capacity' && this.canWaitForCapacity()) return { kind: 'wait-for-capacity' };
    return { kind: 'escalate', reason: `Operator retry failed — ${why}: ${attempt.error!.message}` };
  }

  private finish(outcome: RemediationOutcome, summary: string): RemediationResult {
    enterPhase(this.status, outcome, summary);
    countMetric('connect_remediator_runs_finished_total', { outcome, policy: this.policy.name });
    if (this.attempts.some((a) => a.ok)) recordAttempts(this.status);
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
