/** DescribeRule: the rule's definition as Connect returns it, which the engine re-issues actions from. */
import { connectError } from '../aws-errors';
import type { SimulatorState } from '../state';
import { requireInstance } from './lookup';
import { parseConnectInput } from './parse';
import { DescribeRuleParams } from './request-schemas';

export function describeRule(state: SimulatorState, params: unknown): { Rule: Record<string, unknown> } {
  const input = parseConnectInput(DescribeRuleParams, params, 'InvalidRequestException');
  const instance = requireInstance(state, input.InstanceId);
  const instanceId = instance.id;
  const rule = instance.rules.get(input.RuleId);
  if (!rule) {
    throw connectError(
      'ResourceNotFoundException',
      `Rule ${input.RuleId} does not exist in instance ${instanceId}`,
    );
  }
  const { region, accountId } = state.config;
  // Timestamps travel as epoch seconds in REST-JSON bodies.
  const loadedAt = state.loadedAtMs / 1000;
  return {
    Rule: {
      ...rule,
      RuleArn: `arn:aws:connect:${region}:${accountId}:instance/${instanceId}/rule/${rule.RuleId}`,
      CreatedTime: loadedAt,
      LastUpdatedTime: loadedAt,
      LastUpdatedBy: `arn:aws:iam::${accountId}:user/connect-simulator`,
    },
  };
}
