/**
 * One re-issue of the failed action, recorded: the AWS call on its rate-limited queue
 * (StartTaskContact or PutEvents, by action type; the activity reads the rule's action), and the
 * attempt record that the run's status query, memo and result carry.
 *
 * Waiting for task capacity, the call is made by the instance's gate instead: the run leaves its
 * request in the waiting room (`atGate`) and the gate answers it with the same result or failure
 * the run's own call would have had — so the attempt is recorded the same way.
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import type { ReissueResult, ReissueWithRuleInput } from '../activities/reissue';
import type { WaitingRequest } from '../activities/waiting-room';
import { instanceIdFromArn } from '../events/arn';
import type { ConnectFailureEvent } from '../events/types';
import type { ReissueOverrides } from '../policies/types';
import { awsActivities, onQueueOf, ruleAction, ruleDefinition } from './aws-calls';
import { AWAIT_TASK_CAPACITY, NO_TASK_CAPACITY_YET, waitingRoomTaskQueue } from './capacity-definitions';
import type { AttemptRecord, ErrorSummary, RemediationStatus } from './definitions';
import { classifyReissueFailure, summarizeFailure, type ReissueVerdict } from './failures';
import { countMetric } from './metrics';
import { recordAttempts } from './visibility';

/** The `outcome` label of connect_remediator_reissues_total: what AWS's answer means for the run. */
const REISSUE_OUTCOMES: Record<ReissueVerdict, string> = {
  retry: 'retryable',
  'wait-for-capacity': 'quota_full',
  escalate: 'needs_person',
};

/** No worker implements it: the run's task waits in the room until the gate takes and answers it. */
const waitingRoom = proxyActivities<{
  [AWAIT_TASK_CAPACITY](request: WaitingRequest): Promise<ReissueResult>;
}>({
  // From the gate taking the task to its answer: the re-issue on the StartTaskContact budget.
  startToCloseTimeout: '2m',
  // The run queues again itself when it must: one wait, one activity.
  retry: { maximumAttempts: 1 },
  // An operator's decision cancels the wait; a task already being created is still reported.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

const iso = () => new Date(Date.now()).toISOString();

/** How a wait at the gate ended. */
export type GateAnswer =
  /** The gate re-issued: the attempt is recorded (ok or AWS's refusal). */
  | { kind: 'attempt'; record: AttemptRecord }
  /** The run asked to stop waiting (an operator decided) before its task was taken. */
  | { kind: 'cancelled' }
  /** Nobody took the task within `waitMs`: the gate may be gone. */
  | { kind: 'not-taken' }
  /** Taken, but not re-issued (no capacity after all, or the gate went away): queue again. */
  | { kind: 'requeue' };

export interface GateWait {
  instanceId: string;
  /** The longest the task may wait in the room. */
  waitMs: number;
  /** Temporal task queue priority, 1 (first) to 5. */
  priorityKey: number;
  /** Time waited so far (the attempt's delay). */
  waitedMs(): number;
  /** Stop waiting (the run's operator decided). */
  cancelWhen(): boolean;
}

export class Reissuer {
  constructor(
    private readonly event: ConnectFailureEvent,
    /** Attempts are appended to `status.attempts`; `lastError` and `attempt` kept current. */
    private readonly status: RemediationStatus,
  ) {}

  /** Re-issues once with `overrides`; never throws for AWS's answers (they are in the record). */
  async attempt(
    trigger: AttemptRecord['trigger'],
    delayMs: number,
    overrides: ReissueOverrides,
  ): Promise<AttemptRecord> {
    const n = this.nextAttempt();
    const startedAt = iso();
    try {
      const result = await this.call(overrides, n, { freshRule: trigger === 'operator' }, trigger);
      return this.recorded(n, trigger, delayMs, startedAt, result);
    } catch (err) {
      if (isCancellation(err)) throw err;
      return this.recorded(n, trigger, delayMs, startedAt, summarizeFailure(err));
    }
  }

  /** Leaves the re-issue to the instance's gate: waits in its room for it (see the header). */
  async atGate(overrides: ReissueOverrides, wait: GateWait): Promise<GateAnswer> {
    const n = this.status.attempts.length + 1;
    const request: WaitingRequest = { event: this.event, overrides, attempt: n };
    const startedAt = iso();
    const scope = new CancellationScope();
    let answered = false;
    const answer = scope.run(() =>
      waitingRoom[AWAIT_TASK_CAPACITY].executeWithOptions(
        {
          taskQueue: waitingRoomTaskQueue(workflowInfo().taskQueue, wait.instanceId),
          scheduleToStartTimeout: Math.max(1, wait.waitMs),
          priority: { priorityKey: wait.priorityKey },
          summary: `Wait for task capacity (attempt ${n})`,
        },
        [request],
      ),
    );
    void answer.then(
      () => (answered = true),
      () => (answered = true),
    );
    await condition(() => answered || wait.cancelWhen());
    if (!answered) scope.cancel();
    try {
      const result = await answer;
      this.nextAttempt();
      return { kind: 'attempt', record: this.recorded(n, 'capacity', wait.waitedMs(), startedAt, result) };
    } catch (err) {
      if (isCancellation(err)) return { kind: 'cancelled' };
      const cause = err instanceof ActivityFailure ? err.cause : err;
      if (cause instanceof TimeoutFailure) {
        return cause.timeoutType === 'SCHEDULE_TO_START' ? { kind: 'not-taken' } : { kind: 'requeue' };
      }
      if (cause instanceof ApplicationFailure && cause.type === NO_TASK_CAPACITY_YET)
        return { kind: 'requeue' };
      this.nextAttempt();
      return {
        kind: 'attempt',
        record: this.recorded(n, 'capacity', wait.waitedMs(), startedAt, summarizeFailure(err)),
      };
    }
  }

  private nextAttempt(): number {
    const n = this.status.attempts.length + 1;
    this.status.attempt = n;
    delete this.status.nextAttemptAt;
    return n;
  }

  private recorded(
    attempt: number,
    trigger: AttemptRecord['trigger'],
    delayMs: number,
    startedAt: string,
    outcome: ReissueResult | ErrorSummary,
  ): AttemptRecord {
    const base = { attempt, trigger, delayMs, startedAt, finishedAt: iso() };
    let record: AttemptRecord;
    if ('resultId' in outcome) {
      record = { ...base, ok: true, resultId: outcome.resultId };
      if (outcome.notes.length) record.notes = outcome.notes;
    } else {
      this.status.lastError = outcome;
      record = { ...base, ok: false, error: outcome };
    }
    this.status.attempts.push(record);
    countMetric('connect_remediator_reissues_total', {
      action_type: this.event.detail.actionType,
      trigger,
      outcome: 'resultId' in outcome ? 'ok' : REISSUE_OUTCOMES[classifyReissueFailure(outcome).verdict],
    });
    // The run goes on after a failed attempt: `runs list` shows it (an ended run's count is set at the end).
    if (!record.ok) recordAttempts(this.status);
    return record;
  }

  /**
   * StartTaskContact / PutEvents on its own queue. The activity reads the rule's action itself
   * (its process's cache, fresh for a minute): no step of the run's own for it. An operator's
   * retry reads the rule anew first (DescribeRule, on its queue): the person may have just fixed it.
   */
  private async call(
    overrides: ReissueOverrides,
    attempt: number,
    { freshRule }: { freshRule: boolean },
    trigger: AttemptRecord['trigger'],
  ): Promise<ReissueResult> {
    const { actionType, ruleId } = this.event.detail;
    const createsTask = actionType === 'CREATE_TASK';
    const summary = `Re-issue ${createsTask ? 'StartTaskContact' : 'PutEvents'}, attempt ${attempt}${trigger === 'operator' ? ' (operator retry)' : ''}`;
    let input: ReissueWithRuleInput = { event: this.event, overrides, attempt };
    if (freshRule) {
      const instanceId = instanceIdFromArn(this.event.detail.instanceArn) ?? '';
      const rule = await ruleDefinition({ instanceId, ruleId }, { fresh: true });
      input = {
        ...input,
        action: ruleAction(rule, actionType),
        ...(rule.ruleName ? { ruleName: rule.ruleName } : {}),
      };
    }
    return createsTask
      ? awsActivities.startTaskContact.executeWithOptions(onQueueOf('StartTaskContact', summary), [input])
      : awsActivities.putReissuedEvent.executeWithOptions(onQueueOf('PutEvents', summary), [input]);
  }
}
