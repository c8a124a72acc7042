/**
 * What a storm cost the Connect account, from the simulator's running request counts taken before
 * and after a path: calls per operation per recovered task, and the throttles AWS would have
 * answered. The account's rate limits are shared by every caller — the contact centre's own
 * integrations too — so calls and throttles spent on waiting are capacity taken from them.
 */
import type { OperationCounts, SimulatorAdminClient } from '../../simulator';

export const COUNTED_OPERATIONS = [
  'StartTaskContact',
  'DescribeRule',
  'GetCurrentMetricData',
  'ListQueues',
] as const;
type CountedOperation = (typeof COUNTED_OPERATIONS)[number];

export type RequestCounts = Record<string, OperationCounts>;

export async function requestCounts(admin: SimulatorAdminClient): Promise<RequestCounts> {
  return (await admin.state({ tasks: 'none' })).requestCounts;
}

const round = (n: number) => Math.round(n * 1000) / 1000;
const perTask = (calls: number, recovered: number) => (recovered > 0 ? round(calls / recovered) : null);

export interface ConnectCallFigures {
  startTaskContactCalls: number;
  /** StartTaskContact calls per recovered task (the figure earlier results reported). */
  callsPerRecoveredTask: number | null;
  quotaErrors: number;
  callsByOperation: Record<CountedOperation, number>;
  callsPerRecoveredTaskByOperation: Record<CountedOperation, number | null>;
  /** A re-issue is one StartTaskContact; the rule is read once per rule a minute: 1 is the floor. */
  startTaskAndDescribeRulePerTask: number | null;
  /** ThrottlingException answers to the counted operations. */
  throttlesReceived: number;
  throttlesByOperation: Record<CountedOperation, number>;
  throttlesPercentOfCalls: number | null;
}

export function connectCallFigures(
  before: RequestCounts,
  after: RequestCounts,
  recovered: number,
): ConnectCallFigures {
  const delta = (operation: CountedOperation, pick: (c: OperationCounts) => number) =>
    (after[operation] ? pick(after[operation]) : 0) - (before[operation] ? pick(before[operation]) : 0);
  const byOperation = (pick: (c: OperationCounts) => number) =>
    Object.fromEntries(COUNTED_OPERATIONS.map((op) => [op, delta(op, pick)])) as Record<
      CountedOperation,
      number
    >;
  const calls = byOperation((c) => c.total);
  const throttles = byOperation((c) => c.errors['ThrottlingException'] ?? 0);
  const totalCalls = COUNTED_OPERATIONS.reduce((sum, op) => sum + calls[op], 0);
  const throttlesReceived = COUNTED_OPERATIONS.reduce((sum, op) => sum + throttles[op], 0);
  return {
    startTaskContactCalls: calls.StartTaskContact,
    callsPerRecoveredTask: perTask(calls.StartTaskContact, recovered),
    quotaErrors: delta('StartTaskContact', (c) => c.errors['ServiceQuotaExceededException'] ?? 0),
    callsByOperation: calls,
    callsPerRecoveredTaskByOperation: Object.fromEntries(
      COUNTED_OPERATIONS.map((op) => [op, perTask(calls[op], recovered)]),
    ) as Record<CountedOperation, number | null>,
    startTaskAndDescribeRulePerTask: perTask(calls.StartTaskContact + calls.DescribeRule, recovered),
    throttlesReceived,
    throttlesByOperation: throttles,
    throttlesPercentOfCalls: totalCalls > 0 ? round((100 * throttlesReceived) / totalCalls) : null,
  };
}
