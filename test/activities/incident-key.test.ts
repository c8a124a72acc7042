/** An incident's cause and id: the grouped event fields, the same id for the same cause. */
import { incidentId, incidentKey } from '../../activities/incident';
import { failureEvent } from '../helpers/events';

test('the cause is the grouped fields of the event; the id depends on the cause only', () => {
  const a = failureEvent({ reasonCode: 'ResourceNotFoundException', error: 'one text' });
  const b = failureEvent({ reasonCode: 'ResourceNotFoundException', error: 'another text' });
  const key = incidentKey(a, ['ruleId', 'instanceId', 'reasonCode', 'actionType']);
  expect(Object.keys(key)).toEqual(['actionType', 'instanceId', 'reasonCode', 'ruleId']);
  expect(key).toMatchObject({ reasonCode: 'ResourceNotFoundException', ruleId: a.detail.ruleId });
  // Another event of the same cause (different id, time and error text): the same incident.
  expect(incidentId(incidentKey(b, ['instanceId', 'ruleId', 'actionType', 'reasonCode']))).toBe(
    incidentId(key),
  );
  expect(incidentId(key)).toMatch(/^incident-[0-9a-f]{20}$/);
});

test('another rule, or another reason code, is another incident; a coarser grouping joins them', () => {
  const a = failureEvent({ ruleId: 'rule-a', reasonCode: 'AccessDeniedException' });
  const b = failureEvent({ ruleId: 'rule-b', reasonCode: 'AccessDeniedException' });
  const byRule = ['instanceId', 'ruleId', 'reasonCode'] as const;
  expect(incidentId(incidentKey(a, [...byRule]))).not.toBe(incidentId(incidentKey(b, [...byRule])));
  const byReason = ['instanceId', 'reasonCode'] as const;
  expect(incidentId(incidentKey(a, [...byReason]))).toBe(incidentId(incidentKey(b, [...byReason])));
});
