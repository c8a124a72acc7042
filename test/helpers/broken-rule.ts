/**
 * The incident scenario: a rule whose task flow was deleted, so every one of its runs fails the
 * same way — `count` failure events of it, and the id of the incident they all belong to (the
 * built-in grouping: instance, rule, action type, reason code).
 */
import { randomUUID } from 'node:crypto';
import { incidentId, incidentKey } from '../../activities/incident';
import type { ConnectFailureEvent } from '../../events/types';
import { SEED, type SimulatorAdminClient } from '../../simulator';
import { failureEvent } from './events';

export const BUILTIN_GROUP_BY = ['instanceId', 'ruleId', 'actionType', 'reasonCode'] as const;

export async function failuresOfRuleWithDeletedFlow(
  admin: SimulatorAdminClient,
  { name, count, error }: { name: string; count: number; error: string },
): Promise<{ ruleId: string; events: ConnectFailureEvent[]; incidentId: string }> {
  const rule = await admin.addRule(SEED.instanceId, {
    Name: name,
    Actions: [{ ActionType: 'CREATE_TASK', TaskAction: { Name: 'Follow up', ContactFlowId: randomUUID() } }],
  });
  const events = Array.from({ length: count }, () =>
    failureEvent({ ruleId: rule.RuleId, reasonCode: 'ResourceNotFoundException', error }),
  );
  return {
    ruleId: rule.RuleId,
    events,
    incidentId: incidentId(incidentKey(events[0]!, [...BUILTIN_GROUP_BY])),
  };
}
