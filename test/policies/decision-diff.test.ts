/**
 * What `policies diff` counts as a change (policies/decision-facets.ts, decision-diff.ts): every
 * facet of treatment, compared by meaning rather than by spelling.
 */
import { DecisionDiff } from '../../policies/decision-diff';
import type { ConnectFailureEvent } from '../../events/types';
import { failureEvent } from '../helpers/events';
import { loadPolicySet, validPolicyYaml } from './fixtures';

const throttled = (): ConnectFailureEvent =>
  failureEvent({
    reasonCode: 'ThrottlingException',
    error: 'Rate exceeded',
    additionalInfo: JSON.stringify({ retryable: true }),
  });
const quota = (): ConnectFailureEvent =>
  failureEvent({ reasonCode: 'ServiceQuotaExceededException', error: 'quota' });

const TRANSIENT = ['  - name: transient', '    when: { reasonCode: ThrottlingException }', '    then: retry'];
const QUOTA = [
  '  - name: quota',
  '    when: { reasonCode: ServiceQuotaExceededException }',
  '    then: wait-for-capacity',
];

function diffOf(
  before: string[],
  after: string[],
  events: ConnectFailureEvent[],
  extra: { defaults?: string } = {},
) {
  const diff = new DecisionDiff<string>(
    loadPolicySet(validPolicyYaml({ policies: before, ...extra })),
    loadPolicySet(validPolicyYaml({ policies: after, ...extra })),
  );
  events.forEach((event) => diff.add({ ref: event.id, event }));
  return diff;
}

test('the same treatment written differently is no change', () => {
  const diff = diffOf(
    [...TRANSIENT, '    operatorWait: 7d', '    retry: { maximumInterval: 10m }'],
    [...TRANSIENT, '    operatorWait: 168h', '    retry: { maximumInterval: 600s }'],
    [throttled(), throttled()],
  );
  expect(diff.changedCount).toBe(0);
  expect(diff.result()).toMatchObject([{ changed: false, count: 2, beforeLabel: 'transient (retry)' }]);
});

test.each([
  ['operatorWait', ['    operatorWait: 1d']],
  ['channels', ['    escalateTo: [on-call]']],
  ['schedule', ['    retry: { maximumAttempts: 2 }']],
  ['schedule', ['    retry: { jitter: 0 }']],
  ['incident', ['    incident: false']],
  ['reissue', ['    reissue: { contactFlowId: other-flow }']],
])('a changed %s is a change, and the only facet named', (facet, lines) => {
  const diff = diffOf(TRANSIENT, [...TRANSIENT, ...lines], [throttled()]);
  expect(diff.changedCount).toBe(1);
  expect(diff.result()[0]!.differs).toEqual([facet]);
});

test('a capacity change counts only for the runs that wait for capacity; others are unchanged', () => {
  const events = [quota(), quota(), throttled()];
  const diff = diffOf(
    [...QUOTA, ...TRANSIENT],
    [...QUOTA, '    capacity: { maxWait: 1h }', ...TRANSIENT],
    events,
  );
  const [changed, same] = diff.result();
  expect(changed).toMatchObject({
    changed: true,
    count: 2,
    differs: ['capacity'],
    all: [events[0]!.id, events[1]!.id],
  });
  expect(changed!.before.capacity.text).toMatch(/^wait up to 6h, then escalate/);
  expect(changed!.after.capacity.text).toMatch(/^wait up to 1h, then escalate/);
  expect(same).toMatchObject({ changed: false, count: 1, all: [], examples: [events[2]!.id] });
});

test('a channel whose target changed is a change for every run escalating to it', () => {
  const before = loadPolicySet(validPolicyYaml({ policies: TRANSIENT }));
  const after = loadPolicySet(
    validPolicyYaml({ policies: TRANSIENT }).replace(
      'eventBusName: connect-ops',
      'eventBusName: connect-ops-2',
    ),
  );
  const diff = new DecisionDiff<string>(before, after);
  diff.add({ ref: 'x', event: throttled() });
  expect(diff.result()[0]).toMatchObject({ changed: true, differs: ['channels'] });
});

test('examples are bounded, the ids of a changed pair are all kept', () => {
  const events = Array.from({ length: 10 }, throttled);
  const diff = diffOf(
    TRANSIENT,
    ['  - name: transient', '    when: { reasonCode: ThrottlingException }', '    then: escalate'],
    events,
  );
  const [pair] = diff.result();
  expect(pair!.examples).toEqual(events.slice(0, 3).map((e) => e.id));
  expect(pair!.all).toEqual(events.map((e) => e.id));
  expect(pair!.differs).toEqual(['strategy', 'schedule']);
});
