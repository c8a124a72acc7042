/**
 * One re-issue of the failed action, recorded: the rule's definition (read once per rule while
 * fresh), the AWS call on its rate-limited queue (StartTaskContact or PutEvents, by action type),
 * and the attempt record that the run's status query, memo and result carry.
 */
import { isCancellation, patched, proxyActivities, upsertMemo } from '@temporalio/workflow';
import type { RemediationActivities } from '../activities';
import type { ReissueResult } from '../activities/reissue';
import { instanceIdFromArn } from '../events/arn';
import type { ConnectFailureEvent } from '../events/types';
import type { ReissueOverrides } from '../policies/types';
import { awsActivities, onQueueOf, ruleAction, ruleDefinition } from './aws-calls';
import type { AttemptRecord, ErrorSummary, RemediationStatus } from './definitions';
import { summarizeFailure } from './failures';
import { AWS_RATE_BUDGETS } from './patches';

// Runs started before the rate budgets: one activity reads the rule and calls AWS; network faults
// are retried here, AWS's own answers come back as non-retryable failures for the policy.
const { reissueCreateTask, reissueEventBridgeEvent } = proxyActivities<RemediationActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 },
});

const iso = () => new Date(Date.now()).toISOString();

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
    const n = this.status.attempts.length + 1;
    this.status.attempt = n;
    delete this.status.nextAttemptAt;
    const createsTask = this.event.detail.actionType === 'CREATE_TASK';
    const summary = `Re-issue ${createsTask ? 'StartTaskContact' : 'PutEvents'}, attempt ${n}${trigger === 'operator' ? ' (operator retry)' : ''}`;
    const startedAt = iso();
    let record: AttemptRecord;
    try {
      const input = { event: this.event, overrides, attempt: n };
      const result = patched(AWS_RATE_BUDGETS)
        ? await this.reissueWithinBudgets(input, summary, { freshRule: trigger === 'operator' })
        : await (createsTask ? reissueCreateTask : reissueEventBridgeEvent).executeWithOptions({ summary }, [
            input,
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
    this.status.attempts.push(record);
    // In the memo so `runs list` and the Web UI's list show attempts without asking each run.
    upsertMemo({ attempts: this.status.attempts.length });
    return record;
  }

  /** The rule from cache (or DescribeRule), then StartTaskContact / PutEvents on its own queue. */
  private async reissueWithinBudgets(
    input: { event: ConnectFailureEvent; overrides: ReissueOverrides; attempt: number },
    summary: string,
    { freshRule }: { freshRule: boolean },
  ): Promise<ReissueResult> {
    const { actionType, ruleId } = this.event.detail;
    const instanceId = instanceIdFromArn(this.event.detail.instanceArn) ?? '';
    const rule = await ruleDefinition({ instanceId, ruleId }, { fresh: freshRule });
    const withRule = {
      ...input,
      action: ruleAction(rule, actionType),
      ...(rule.ruleName ? { ruleName: rule.ruleName } : {}),
    };
    return actionType === 'CREATE_TASK'
      ? awsActivities.startTaskContact.executeWithOptions(onQueueOf('StartTaskContact', summary), [withRule])
      : awsActivities.putReissuedEvent.executeWithOptions(onQueueOf('PutEvents', summary), [withRule]);
  }
}
