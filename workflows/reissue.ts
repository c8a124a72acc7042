/**
 * One re-issue of the failed action, recorded: the activity call (StartTaskContact or PutEvents,
 * by action type) and the attempt record that the run's status query, memo and result carry.
 */
import { isCancellation, proxyActivities, upsertMemo } from '@temporalio/workflow';
import type { RemediationActivities } from '../activities';
import type { ConnectFailureEvent } from '../events/types';
import type { ReissueOverrides } from '../policies/types';
import type { AttemptRecord, ErrorSummary, RemediationStatus } from './definitions';
import { summarizeFailure } from './failures';

// Network faults are retried here; AWS's own answers come back as non-retryable failures so the
// policy decides with durable timers.
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
    const activity = createsTask ? reissueCreateTask : reissueEventBridgeEvent;
    const summary = `Re-issue ${createsTask ? 'StartTaskContact' : 'PutEvents'}, attempt ${n}${trigger === 'operator' ? ' (operator retry)' : ''}`;
    const startedAt = iso();
    let record: AttemptRecord;
    try {
      const result = await activity.executeWithOptions({ summary }, [
        { event: this.event, overrides, attempt: n },
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
}
