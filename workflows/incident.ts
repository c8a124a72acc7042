/**
 * An incident: the escalations of one cause — by default the same instance, rule, action type and
 * reason code — within the policy's window. When a flow is deleted or a permission revoked, every
 * run of that rule fails the same way; people hear about it once when the incident opens, then in
 * a few bounded updates (counts, first and last seen, sample errors, a Web UI link listing its
 * runs), never once per run. One answer (retry with overrides, resolve, abandon) reaches every
 * member run; runs that join while the incident is answered and open get the same answer. A member
 * whose retry fails again joins again, and that reopens the incident for a new answer.
 *
 * The answer is sent to member runs as their operator signals: each run still validates and acts on
 * it on its own, its re-issue paced by the capacity gate and the AWS rate budgets like any other.
 */
import {
  log,
  condition,
  getExternalWorkflowHandle,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import { validateOperatorDecision } from '../policies/operator-decision';
import type { ChannelConfig } from '../policies/types';
import {
  abandonSignal,
  answerIncidentSignal,
  answerIncidentUpdate,
  incidentStatusQuery,
  joinIncidentSignal,
  resolveSignal,
  retrySignal,
  type IncidentAnswer,
  type IncidentInput,
  type IncidentMember,
  type IncidentReceipt,
  type IncidentStatus,
  type OperatorAction,
  type OperatorDecision,
} from './definitions';
import {
  fallBack,
  markDelivery,
  newEscalationRecord,
  notifyChannels,
  type ChannelDeliveries,
} from './escalation';
import { countMetric } from './metrics';
import { invalidDecision } from './operator';
import {
  ConnectActionType,
  ConnectInstanceId,
  ConnectReasonCode,
  ConnectRuleId,
  ConnectTriggerEvent,
  RemediationPhase,
  RemediationPolicy,
} from './search-attributes';

const SIGNALS = { retry: retrySignal, resolve: resolveSignal, abandon: abandonSignal } as const;
/** Sample errors kept for the channels and `incidents show`. */
const MAX_SAMPLES = 3;
/** Answers sent per workflow task: a large incident's fan-out stays in small steps. */
const ANSWERS_PER_STEP = 100;

interface Member {
  member: IncidentMember;
  /** The answer (its number) this member's current escalation got; undefined: waiting. */
  answeredWith?: number;
}

/** The incident is findable by its cause, as its runs are by theirs. */
function causeAttributes(key: Record<string, string>): SearchAttributePair[] {
  const keys = {
    instanceId: ConnectInstanceId,
    ruleId: ConnectRuleId,
    actionType: ConnectActionType,
    reasonCode: ConnectReasonCode,
    triggerEvent: ConnectTriggerEvent,
  } as const;
  return Object.entries(key).flatMap(([field, value]) => {
    const attribute = keys[field as keyof typeof keys];
    return attribute ? [{ key: attribute, value }] : [];
  });
}

export async function remediationIncident(input: IncidentInput): Promise<IncidentStatus> {
  return new Incident(input).run();
}

class Incident {
  private readonly members = new Map<string, Member>();
  private answer?: IncidentAnswer;
  /** Counts answers: a member answered with an older one (before a reopen) waits for the new one. */
  private answerNumber = 0;
  private readonly samples: string[] = [];
  private firstSeen = '';
  private lastSeen = '';
  private lastJoinMs = 0;
  private notifications = 0;
  private notifiedRuns = 0;
  private lastNotifyMs = 0;
  private reopened = 0;
  private closed = false;
  private readonly deliveries: ChannelDeliveries[] = [];

  constructor(private readonly input: IncidentInput) {
    setHandler(joinIncidentSignal, (member) => this.join(member));
    // A signal cannot be refused back to its sender: an invalid answer is logged with its reason.
    setHandler(answerIncidentSignal, (decision) => {
      const error = this.validationError(decision);
      if (error === undefined) this.take(decision);
      else log.warn(`incident answer signal refused: ${error}`);
    });
    setHandler(answerIncidentUpdate, (decision) => this.take(decision), {
      validator: (decision) => {
        const error = this.validationError(decision);
        if (error) throw new Error(error);
      },
    });
    setHandler(incidentStatusQuery, () => this.status());
  }

  async run(): Promise<IncidentStatus> {
    upsertSearchAttributes([
      { key: RemediationPhase, value: 'escalated' },
      { key: RemediationPolicy, value: this.input.policy.name },
      ...causeAttributes(this.input.key),
    ]);
    await condition(() => this.members.size > 0);
    countMetric('connect_remediator_incidents_opened_total', { policy: this.input.policy.name });
    await this.notify('opened');
    for (;;) {
      this.sendAnswer();
      this.describe();
      if (this.shouldNotify()) await this.notify('update');
      if (this.shouldClose()) break;
      await condition(() => this.hasAnswersToSend() || this.shouldNotify(), this.msUntilNextCheck());
    }
    this.closed = true;
    countMetric('connect_remediator_incidents_closed_total', {
      policy: this.input.policy.name,
      answered: String(this.answer !== undefined),
    });
    upsertSearchAttributes([{ key: RemediationPhase, value: this.answer ? 'resolved' : 'escalated' }]);
    this.describe();
    for (const delivery of this.deliveries) await delivery.stop();
    return this.status();
  }

  // ---- members --------------------------------------------------------------------------------

  private join(member: IncidentMember): void {
    const known = this.members.get(member.workflowId);
    if (known && known.answeredWith === undefined) return; // the same escalation, delivered twice
    this.members.set(member.workflowId, { member });
    if (known && this.answer) {
      // The answer did not fix this run: the incident needs a new one.
      this.answer = undefined;
      this.reopened++;
    }
    this.lastSeen = member.at;
    this.firstSeen ||= member.at;
    this.lastJoinMs = Date.now();
    if (this.samples.length < MAX_SAMPLES && !this.samples.includes(member.error))
      this.samples.push(member.error);
  }

  // ---- the answer -----------------------------------------------------------------------------

  private validationError(decision: OperatorDecision & { action: OperatorAction }): string | undefined {
    const invalid = invalidDecision(decision);
    if (invalid) return invalid;
    if (this.closed) return 'the incident is closed: answer its runs one by one (runs signal)';
    if (this.answer) {
      return `the incident is already answered (${this.answer.action}${this.answer.by ? ` by ${this.answer.by}` : ''} at ${this.answer.at}); it reopens if a run fails again`;
    }
    return undefined;
  }

  private take(given: OperatorDecision & { action: OperatorAction }): IncidentReceipt {
    // Only the fields the schema knows are kept (validated before take is reached).
    const check = validateOperatorDecision(given);
    const decision = check.ok ? check.decision : given;
    this.answer = { ...decision, at: new Date(Date.now()).toISOString() };
    this.answerNumber++;
    return { action: decision.action, runs: this.waitingMembers().length };
  }

  private waitingMembers(): Member[] {
    return [...this.members.values()].filter((m) => m.answeredWith !== this.answerNumber);
  }

  private hasAnswersToSend(): boolean {
    return this.answer !== undefined && this.waitingMembers().length > 0;
  }

  /** Sends the answer to members that do not have it yet (a run that ended meanwhile is skipped). */
  private sendAnswer(): void {
    const answer = this.answer;
    if (!answer) return;
    const { action, at: _at, ...decision } = answer;
    const note = `incident ${this.input.incidentId}${decision.note ? `: ${decision.note}` : ''}`;
    for (const m of this.waitingMembers().slice(0, ANSWERS_PER_STEP)) {
      m.answeredWith = this.answerNumber;
      void getExternalWorkflowHandle(m.member.workflowId)
        .signal(SIGNALS[action], { ...decision, note })
        .catch(() => undefined);
    }
  }

  // ---- telling people -------------------------------------------------------------------------

  private shouldNotify(): boolean {
    const { maxUpdates, updateEveryMs } = this.input.policy.incident;
    return (
      !this.closed &&
      this.notifications > 0 &&
      this.notifications <= maxUpdates &&
      this.members.size > this.notifiedRuns &&
      Date.now() - this.lastNotifyMs >= updateEveryMs
    );
  }

  private async notify(kind: 'opened' | 'update'): Promise<void> {
    this.notifications++;
    this.notifiedRuns = this.members.size;
    this.lastNotifyMs = Date.now();
    // One ops task per incident: the Connect-task channel hears only of the opening.
    const channels: ChannelConfig[] = this.input.policy.escalateTo.filter(
      (c) => kind === 'opened' || c.type !== 'connect-task',
    );
    const reason =
      `${kind === 'opened' ? 'Incident opened' : 'Incident update'}: ${this.members.size} run(s) failed for ` +
      `${this.causeText()} between ${this.firstSeen} and ${this.lastSeen}. Runs: ${this.input.runsUrl}`;
    const deliveries = await notifyChannels({
      event: this.input.event,
      instanceId: this.input.instanceId,
      policy: this.input.policy,
      channels,
      reason,
      record: newEscalationRecord(reason, channels, new Date(Date.now()).toISOString()),
      escalationNumber: this.notifications,
      status: { attempts: [] },
      incident: this.status(),
    });
    this.deliveries.push(deliveries);
    void this.watchDelivery(deliveries);
  }

  /**
   * As for a single run: channels that all failed for good are made visible (search attribute,
   * counter) and the fallback channel is told. Nothing waits on it — members wait for an operator
   * whatever happens to the notification.
   */
  private async watchDelivery(deliveries: ChannelDeliveries): Promise<void> {
    await condition(() => deliveries.delivered() || deliveries.settled());
    if (deliveries.delivered()) return;
    if (await fallBack(deliveries, this.input.policy)) markDelivery('fallback', this.input.policy.name);
  }

  private causeText(): string {
    return Object.entries(this.input.key)
      .map(([field, value]) => `${field} ${value}`)
      .join(', ');
  }

  // ---- lifetime -------------------------------------------------------------------------------

  /**
   * Open while runs may still join (the window after the last join) and, unanswered, while its runs
   * still wait for an operator; answered, once every member has the answer and the window passed.
   */
  private shouldClose(): boolean {
    if (this.hasAnswersToSend()) return false;
    return Date.now() - this.lastJoinMs >= this.openForMs();
  }

  private openForMs(): number {
    const { windowMs } = this.input.policy.incident;
    return this.answer ? windowMs : Math.max(windowMs, this.input.policy.operatorWaitMs ?? windowMs);
  }

  private msUntilNextCheck(): number {
    const { updateEveryMs } = this.input.policy.incident;
    const closeIn = this.lastJoinMs + this.openForMs() - Date.now();
    return Math.max(1_000, Math.min(closeIn, updateEveryMs));
  }

  private describe(): void {
    const s = this.status();
    setCurrentDetails(
      `**${s.state}** — ${s.runs} run(s) of ${this.causeText()}; first ${s.firstSeen}, last ${s.lastSeen}` +
        (s.answer
          ? `; answered ${s.answer.action}${s.answer.by ? ` by ${s.answer.by}` : ''}, sent to ${s.answered}`
          : '') +
        `. Runs: ${s.runsUrl}. Answer: connect-remediator incidents answer ${this.input.incidentId} retry|resolve|abandon`,
    );
  }

  private status(): IncidentStatus {
    return {
      incidentId: this.input.incidentId,
      key: this.input.key,
      policy: this.input.policy.name,
      state: this.closed ? 'closed' : this.answer ? 'answered' : 'open',
      runs: this.members.size,
      firstSeen: this.firstSeen,
      lastSeen: this.lastSeen,
      samples: [...this.samples],
      notifications: this.notifications,
      ...(this.answer ? { answer: this.answer } : {}),
      answered: [...this.members.values()].filter((m) => m.answeredWith === this.answerNumber && this.answer)
        .length,
      runsUrl: this.input.runsUrl,
      ...(this.reopened ? { reopened: this.reopened } : {}),
    };
  }
}
