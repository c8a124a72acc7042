/** Policy and operator templates on re-issued tasks: the event's own fields, nothing inherited. */
import { renderTemplate } from '../../activities/templates';
import { loadSampleEvent } from '../helpers/events';

const event = loadSampleEvent();

test('known placeholders render the event fields', () => {
  expect(
    renderTemplate('Retry of ${detail.ruleId} (${detail.reasonCode}) in ${instanceId}', event, 'inst-1'),
  ).toBe(`Retry of ${event.detail.ruleId} (${event.detail.reasonCode}) in inst-1`);
});

test.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable'])(
  '${%s}, inherited by every object, stays as written instead of rendering a function',
  (name) => {
    const rendered = renderTemplate(`x \${${name}} y`, event, 'inst-1');
    expect(rendered).toBe(`x \${${name}} y`);
    expect(rendered).not.toContain('[native code]');
  },
);

test('an unknown placeholder stays visible, so a typo shows on the task', () => {
  expect(renderTemplate('${detail.ruleID}', event, 'inst-1')).toBe('${detail.ruleID}');
});
