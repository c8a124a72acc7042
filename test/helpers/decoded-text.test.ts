/**
 * The secret search of the escalation tests must find a secret wherever a payload carries it.
 * Shown here on a history whose activity result holds one: the decoded text finds it, and a plain
 * JSON.stringify of the same history (what the search used to be) does not.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { decodedText } from './decoded-text';

const SECRET = 'sk-live-5f3a9c0e-do-not-log';
const { EventType } = temporal.api.enums.v1;

function historyWithActivityResult(result: unknown): temporal.api.history.v1.IHistory {
  return temporal.api.history.v1.History.fromObject({
    events: [
      { eventId: 1, eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED },
      {
        eventId: 7,
        eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
        activityTaskCompletedEventAttributes: {
          result: { payloads: [defaultPayloadConverter.toPayload(result)] },
        },
      },
    ],
  });
}

test('a secret put into an activity result is found by the decoded search, and missed by JSON.stringify', () => {
  const leaky = historyWithActivityResult({ delivered: true, authorization: `Bearer ${SECRET}` });
  expect(decodedText(leaky)).toContain(SECRET);
  expect(JSON.stringify(leaky)).not.toContain(SECRET);
});

test('a history without the secret does not contain it', () => {
  expect(decodedText(historyWithActivityResult({ delivered: true }))).not.toContain(SECRET);
});

test('failures, memo and user metadata are decoded too', () => {
  const described = {
    memo: { fields: { note: defaultPayloadConverter.toPayload(`left by ${SECRET}`) } },
    userMetadata: { summary: defaultPayloadConverter.toPayload('summary') },
    failure: { message: 'boom', encodedAttributes: defaultPayloadConverter.toPayload({ stack: SECRET }) },
  };
  expect(decodedText(described)).toContain(`left by ${SECRET}`);
  expect(decodedText({ failure: described.failure })).toContain(SECRET);
});
