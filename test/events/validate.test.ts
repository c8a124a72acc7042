/**
 * The failure-event validator: the AWS sample and what AWS may add are accepted; everything else is
 * refused naming every problem (JSON path, expected, found) — and no input can make it throw.
 */
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { instanceIdFromArn } from '../../events/arn';
import { DETAIL_TYPES } from '../../events/types';
import { formatValidationError, validateFailureEvent, type ValidationResult } from '../../events/validate';
import { loadMalformedCorpus } from '../fixtures/malformed-events/corpus';
import { loadSampleEvent } from '../helpers/events';

const sample = () =>
  loadSampleEvent() as unknown as Record<string, unknown> & { detail: Record<string, unknown> };

function expectValid(result: ValidationResult): Extract<ValidationResult, { ok: true }> {
  if (!result.ok)
    throw new Error(`expected valid, got:\n${result.errors.map(formatValidationError).join('\n')}`);
  return result;
}

function errorPaths(result: ValidationResult): string[] {
  if (result.ok) throw new Error('expected the event to be rejected');
  return result.errors.map((e) => e.path);
}

test('the AWS sample event is accepted, with its instance id and additionalInfo (retryDelay in ms)', () => {
  const result = expectValid(validateFailureEvent(sample()));
  expect(result.event).toEqual(sample());
  expect(result.instanceId).toBe('cb54730f-5aac-4376-b2f4-7c822889931e');
  expect(result.additionalInfo).toEqual({
    status: 'parsed',
    value: expect.objectContaining({
      code: 'ResourceNotFoundException',
      statusCode: 404,
      retryDelay: 28.217537834500316,
    }),
  });
});

test.each(DETAIL_TYPES)('detail-type "%s" is accepted', (detailType) => {
  expect(validateFailureEvent({ ...sample(), 'detail-type': detailType }).ok).toBe(true);
});

test('action types, triggers and reason codes AWS has not documented yet are accepted', () => {
  const event = sample();
  event.detail = {
    ...event.detail,
    actionType: 'ASSIGN_SLA',
    triggerEvent: 'REAL_TIME_EMAIL',
    reasonCode: 'NewException',
  };
  expect(expectValid(validateFailureEvent(event)).event.detail).toMatchObject({
    actionType: 'ASSIGN_SLA',
    triggerEvent: 'REAL_TIME_EMAIL',
    reasonCode: 'NewException',
  });
});

test('fields AWS adds (envelope and detail) are kept, not dropped', () => {
  const event = {
    ...sample(),
    'replay-name': 'r1',
    detail: { ...sample().detail, contactId: 'c-1', tags: { a: [1] } },
  };
  expect(expectValid(validateFailureEvent(event)).event).toEqual(event);
});

test('absent, null or malformed additionalInfo is flagged but the event is accepted', () => {
  const withInfo = (additionalInfo: unknown) => {
    const event = sample();
    if (additionalInfo === undefined) delete event.detail.additionalInfo;
    else event.detail = { ...event.detail, additionalInfo };
    return validateFailureEvent(event);
  };
  expect(expectValid(withInfo(undefined)).additionalInfo).toEqual({ status: 'absent' });
  expect(expectValid(withInfo(null)).additionalInfo).toEqual({ status: 'absent' });
  expect(expectValid(withInfo('{"message": "Not Fo')).additionalInfo).toMatchObject({
    status: 'malformed',
    raw: '{"message": "Not Fo',
  });
});

test('timestamps with an offset and fractional seconds are ISO 8601 too', () => {
  expect(validateFailureEvent({ ...sample(), time: '2022-01-05T01:30:42.123+02:00' }).ok).toBe(true);
});

test('an error names the path, what was expected and what was found', () => {
  const result = validateFailureEvent({ ...sample(), account: 12 });
  expect(result).toEqual({
    ok: false,
    errors: [{ path: '$.account', expected: 'a 12-digit AWS account id', found: 'number 12' }],
  });
  if (!result.ok) {
    expect(formatValidationError(result.errors[0]!)).toBe(
      '$.account: expected a 12-digit AWS account id; found number 12',
    );
  }
});

test('a long bad value is quoted only in part', () => {
  const result = validateFailureEvent({ ...sample(), source: 'y'.repeat(100_000) });
  const found = result.ok ? '' : result.errors[0]!.found;
  expect(found.length).toBeLessThan(200);
  expect(found).toContain('100000 characters');
});

describe('the malformed corpus', () => {
  const cases = loadMalformedCorpus(randomUUID().slice(0, 8)).filter(
    // What reaches the validator: one parsed JSON value refused for its content (not HTTP-level).
    (c) => c.status === 400 && c.json !== undefined && !Array.isArray(c.json),
  );

  test('has a validator case for every envelope and detail field', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s is rejected naming its field', (_name, c) => {
    const paths = errorPaths(validateFailureEvent(c.json));
    expect(paths).toEqual(expect.arrayContaining(c.paths));
  });
});

describe('properties', () => {
  test('any JSON value or JS value: never throws; rejections always name a path', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything()), (input) => {
        const result = validateFailureEvent(input);
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const error of result.errors) expect(error.path).toMatch(/^\$/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  const REQUIRED = [
    ...['version', 'id', 'source', 'detail-type', 'account', 'time', 'region', 'resources'].map(
      (f) => [f] as const,
    ),
    ...['ruleId', 'actionType', 'triggerEvent', 'instanceArn', 'reasonCode', 'error'].map(
      (f) => ['detail', f] as const,
    ),
  ];
  const pathOf = (field: readonly string[]) =>
    '$' + field.map((f) => (f.includes('-') ? `["${f}"]` : `.${f}`)).join('');

  test('removing any set of required fields is reported field by field, all at once', () => {
    fc.assert(
      fc.property(fc.subarray(REQUIRED, { minLength: 1 }), (removed) => {
        const event = sample();
        for (const field of removed) {
          if (field.length === 1) delete event[field[0]];
          else delete event.detail[field[1]];
        }
        expect(errorPaths(validateFailureEvent(event)).sort()).toEqual(removed.map(pathOf).sort());
      }),
    );
  });

  test('any extra fields AWS might add are accepted and kept', () => {
    const known = new Set([...REQUIRED.map((f) => f[f.length - 1]!), 'detail', 'additionalInfo']);
    // "__proto__" keys are refused at any depth (next test), so the generator leaves them out.
    const withoutProtoKeys = (value: unknown) => !JSON.stringify(value).includes('"__proto__"');
    const extras = fc
      .dictionary(
        fc.string().filter((k) => !known.has(k)),
        fc.jsonValue({ maxDepth: 4 }),
      )
      .filter(withoutProtoKeys);
    fc.assert(
      fc.property(extras, extras, (top, inDetail) => {
        const event = { ...top, ...sample() };
        event.detail = { ...inDetail, ...event.detail };
        const result = expectValid(validateFailureEvent(event));
        expect(result.event).toEqual(event);
      }),
    );
  });

  test('a "__proto__" key is refused at any depth, naming where', () => {
    const event = sample();
    event.detail = { ...event.detail, extra: JSON.parse('{"list": [{"__proto__": {"polluted": true}}]}') };
    expect(errorPaths(validateFailureEvent(event))).toEqual(['$.detail.extra.list[0].__proto__']);
  });

  test('any string is an accepted instanceArn exactly when it is a Connect instance ARN', () => {
    const arns = fc.oneof(
      fc.string(),
      fc
        .tuple(fc.constantFrom('us-east-1', 'eu-west-2'), fc.stringMatching(/^[0-9]{12}$/), fc.uuid())
        .map(([region, account, id]) => `arn:aws:connect:${region}:${account}:instance/${id}`),
    );
    fc.assert(
      fc.property(arns, (instanceArn) => {
        const event = sample();
        event.detail = { ...event.detail, instanceArn };
        const result = validateFailureEvent(event);
        expect(result.ok).toBe(instanceIdFromArn(instanceArn) !== undefined);
        if (result.ok) expect(result.instanceId).toBe(instanceIdFromArn(instanceArn));
      }),
    );
  });
});

test('nesting far beyond any event is refused without exhausting the stack', () => {
  let deep: unknown = 'bottom';
  for (let i = 0; i < 1_000_000; i++) deep = { deeper: deep };
  const result = validateFailureEvent({ ...sample(), deep });
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.errors[0]).toMatchObject({ expected: 'at most 32 levels of nesting' });
});

test('a cyclic JavaScript object (not from JSON) is refused, not walked forever', () => {
  const event = sample();
  event.detail = { ...event.detail, self: event };
  expect(validateFailureEvent(event).ok).toBe(false);
});
