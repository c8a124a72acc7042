/**
 * Workflow code changes that would break runs already in flight are guarded with `patched()`:
 * a run that started before a change replays the old commands, a new run takes the new path.
 * Each id says what it guards. Once no run started before a change is open (they end within
 * their policy's deadline + operatorWait, a gate within its idle timeout), the old path and the
 * id can go: `deprecatePatch(id)` first, then removal (Temporal's versioning guide).
 */

/**
 * AWS calls on the rate-limited operation queues: a re-issue reads the rule once per rule while
 * fresh (cachedRule + describeRule) and calls StartTaskContact / PutEvents on their own queue;
 * escalation channels go to the queue of the AWS operation they call.
 */
export const AWS_RATE_BUDGETS = 'aws-rate-budgets';

/**
 * The capacity wait at storm scale: joined with its gate's lineage, no periodic position queries
 * (a rare liveness check instead), tickets against stale grants, an operator's answer beats a
 * grant, transient failures keep the run's place.
 */
export const CAPACITY_WAIT_V2 = 'capacity-wait-v2';

/** The capacity gate at storm scale: bounded grant batches, overflow chunks, paced grants. */
export const CAPACITY_GATE_V2 = 'capacity-gate-v2';

/**
 * A created task counted once: a release says when its task was created, and a task created
 * before the gate's last read of open tasks (already in that count) is not added to it again —
 * counted twice, its slot stood idle until the next read.
 */
export const GATE_COUNTS_CREATED_ONCE = 'capacity-gate-counts-created-once';

/**
 * The gate at storm scale, continued: open tasks read on time (a sub-second wait happens inside
 * the read, since Temporal timers below a second fire late), polling that backs off only once the
 * quota has stayed full for a while, and a continue-as-new that nothing can refuse — no timer,
 * activity, child or outgoing signal left pending, no permit out, chunks started by an activity
 * (a child's completion would arrive unasked), arrivals and chunk reports taken as Updates.
 */
export const CAPACITY_GATE_V3 = 'capacity-gate-v3';

/** Overflow chunks report to their gate by Update (see enqueueForCapacityUpdate). */
export const OVERFLOW_REPORTS_BY_UPDATE = 'capacity-overflow-reports-by-update';

/**
 * Delivery that never hangs: a channel that cannot deliver as configured fails at once; when every
 * channel of an escalation failed for good, the policy set's fallback channel is told, the run is
 * marked (RemediationEscalationDelivery=failed, a Prometheus counter, current details) and its
 * operator wait starts all the same.
 */
export const ESCALATION_FALLBACK = 'escalation-fallback';

/** Escalations of one cause join one incident (workflows/incident.ts) instead of each paging alone. */
export const INCIDENTS = 'incidents';
