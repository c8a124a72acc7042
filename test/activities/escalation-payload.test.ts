/** Escalation payloads fit their channel, and failures that configuration must fix are told apart. */
import { DETAIL_MAX_BYTES, fitMessage, idempotencyKey } from '../../activities/escalation-payload';
import { isPermanentHttpStatus, isRetryableEntryCode } from '../../activities/channel-failures';
import { failureEvent } from '../helpers/events';

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');
const message = (error: string, additionalInfo?: string) => ({
  workflowId: 'remediate-1',
  runUrl: 'http://ui/remediate-1',
  reason: 'flow missing',
  event: failureEvent({ error, ...(additionalInfo !== undefined ? { additionalInfo } : {}) }),
});

describe('fitMessage', () => {
  test('a message that fits is passed as it is', () => {
    const m = message('short');
    expect(fitMessage(m)).toBe(m);
  });

  test('a 300 KB error is cut to fit EventBridge, with a note of what was left out and where the whole is', () => {
    const fitted = fitMessage(message('é'.repeat(150_000), 'x'.repeat(60_000)));
    expect(bytes(fitted)).toBeLessThanOrEqual(DETAIL_MAX_BYTES);
    expect(fitted.event.detail.error.length).toBeLessThan(2_100);
    expect(fitted.trimmed).toMatch(/event\.detail\.error, event\.detail\.additionalInfo/);
    expect(fitted.trimmed).toContain('http://ui/remediate-1');
    // What identifies the failure is kept whole.
    expect(fitted.event.detail.ruleId).toBe(message('x').event.detail.ruleId);
  });

  test('an unknown huge field leaves only the envelope and the essentials', () => {
    const m = message('short');
    const huge = { ...m, event: { ...m.event, detail: { ...m.event.detail, extra: 'y'.repeat(300_000) } } };
    const fitted = fitMessage(huge);
    expect(bytes(fitted)).toBeLessThanOrEqual(DETAIL_MAX_BYTES);
    expect(fitted.trimmed).toMatch(/only the event's envelope/);
    expect(fitted.event.detail.reasonCode).toBe(m.event.detail.reasonCode);
  });
});

test('the idempotency key is the same for a retry of one delivery and differs between channels and escalations', () => {
  expect(idempotencyKey('r', 1, 'ops')).toBe(idempotencyKey('r', 1, 'ops'));
  expect(idempotencyKey('r', 1, 'ops')).not.toBe(idempotencyKey('r', 2, 'ops'));
  expect(idempotencyKey('r', 1, 'ops')).not.toBe(idempotencyKey('r', 1, 'pager'));
});

test.each([
  [301, true],
  [302, true],
  [400, true],
  [401, true],
  [404, true],
  [408, false],
  [429, false],
  [500, false],
  [503, false],
])('webhook HTTP %i is permanent: %p', (status, permanent) => {
  expect(isPermanentHttpStatus(status)).toBe(permanent);
});

test.each([
  ['ThrottlingException', true],
  ['InternalFailure', true],
  [undefined, true],
  ['AccessDeniedException', false],
  ['NotAuthorizedForSourceException', false],
  ['MalformedDetail', false],
])('PutEvents entry code %p may pass on retry: %p', (code, retryable) => {
  expect(isRetryableEntryCode(code)).toBe(retryable);
});
