/** Operator overrides from a `retry` decision (workflows/overrides.ts). Pure, table-driven. */
import { applyOperatorOverrides } from '../../workflows/overrides';
import type { ReissueOverrides } from '../../policies/types';

test.each<[string, ReissueOverrides, Record<string, string>, ReissueOverrides, string[]]>([
  ['a corrected flow', {}, { contactFlowId: 'flow-2' }, { contactFlowId: 'flow-2' }, []],
  [
    'replaces the policy’s value',
    { contactFlowId: 'flow-1', name: 'n' },
    { contactFlowId: 'flow-2' },
    { contactFlowId: 'flow-2', name: 'n' },
    [],
  ],
  [
    'every plain key',
    {},
    { contactFlowId: 'f', name: 'n', description: 'd', eventBusName: 'b', source: 's', detailType: 't' },
    { contactFlowId: 'f', name: 'n', description: 'd', eventBusName: 'b', source: 's', detailType: 't' },
    [],
  ],
  [
    'a contact attribute, next to the policy’s',
    { attributes: { team: 'a' } },
    { 'attribute.priority': 'high' },
    { attributes: { team: 'a', priority: 'high' } },
    [],
  ],
  [
    'a URL reference',
    {},
    { 'reference.Ticket': 'https://t/1' },
    { references: { Ticket: { type: 'URL', value: 'https://t/1' } } },
    [],
  ],
  [
    'unknown keys are reported, never guessed at',
    {},
    { contactFlowID: 'x', 'attribute.': 'y', ruleId: 'z' },
    {},
    ['contactFlowID', 'attribute.', 'ruleId'],
  ],
])('%s', (_name, current, pairs, expected, ignored) => {
  const result = applyOperatorOverrides(current, pairs);
  expect(result.ignored).toEqual(ignored);
  expect(result.overrides).toMatchObject(expected);
  // Nothing beyond what was asked for: the attribute and reference maps are always present.
  expect({ ...result.overrides, attributes: undefined, references: undefined }).toEqual({
    ...expected,
    attributes: undefined,
    references: undefined,
  });
});

test('the current overrides are never mutated', () => {
  const current: ReissueOverrides = { attributes: { a: '1' }, references: {} };
  applyOperatorOverrides(current, { 'attribute.b': '2', 'reference.r': 'https://r' });
  expect(current).toEqual({ attributes: { a: '1' }, references: {} });
});
