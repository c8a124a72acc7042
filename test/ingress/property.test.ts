/**
 * Random input at the HTTP handler (fast-check): whatever arrives, the ingress answers 202 or a
 * 4xx — never a 5xx, never a dropped connection — while Temporal is up.
 */
import fc from 'fast-check';
import { failureEvent } from '../helpers/events';
import { useTestIngress } from './harness';

const ctx = useTestIngress();

/** The sample event with one field (envelope or detail) replaced by arbitrary JSON. */
const mutatedEvent = fc
  .tuple(
    fc.constantFrom(
      'version',
      'id',
      'source',
      'detail-type',
      'account',
      'time',
      'region',
      'resources',
      'detail',
      'detail.ruleId',
      'detail.actionType',
      'detail.triggerEvent',
      'detail.instanceArn',
      'detail.reasonCode',
      'detail.error',
      'detail.additionalInfo',
      'detail.somethingNew',
      'somethingNew',
    ),
    fc.jsonValue({ maxDepth: 3 }),
  )
  .map(([field, value]) => {
    const event = failureEvent() as unknown as Record<string, Record<string, unknown>>;
    const [head, tail] = field.split('.') as [string, string | undefined];
    if (tail) event[head] = { ...event[head], [tail]: value };
    else (event as Record<string, unknown>)[head] = value;
    return { field, event };
  });

/** A body and the one answer it must get (a set where the value decides, e.g. a still-valid id). */
interface Case {
  body: string;
  expected: number[];
  /** For a 400 of one event: the path of the field that was broken. */
  brokenField?: string;
}

/** Stands for the ingress's configured key (known only once it runs). */
const RIGHT_KEY = Symbol('the right key');

const UNKNOWN_FIELDS = new Set(['somethingNew', 'detail.somethingNew']);

async function expectAnswer({ body, expected, brokenField }: Case): Promise<void> {
  const response = await ctx.ingress.post(body);
  const describe = () =>
    `answered ${response.statusCode} to ${body.slice(0, 300)}: ${response.body.slice(0, 300)}`;
  if (!expected.includes(response.statusCode))
    throw new Error(`expected ${expected.join(' or ')}; ${describe()}`);
  if (response.statusCode === 400 && brokenField) {
    const paths: string[] = (response.json().errors ?? []).map((e: { path: string }) => e.path);
    // The refusal names the field that was changed (or the object holding it).
    const top = brokenField.split('.')[0]!;
    const heads = [`$.${top}`, `$[${JSON.stringify(top)}]`];
    if (!paths.some((p) => heads.some((h) => p.startsWith(h)))) {
      throw new Error(`no error under ${heads.join(' or ')}; ${describe()}`);
    }
  }
}

test('random JSON, random text and mutated events: each gets its own answer (400, or 202 when still valid)', async () => {
  const cases: fc.Arbitrary<Case> = fc.oneof(
    // Never an event: refused as invalid, not as anything else.
    fc.jsonValue().map((v) => ({ body: JSON.stringify(v), expected: [400] })),
    fc.string({ unit: 'binary', maxLength: 200 }).map((body) => ({ body, expected: [400] })),
    mutatedEvent.map(({ field, event }) => ({
      body: JSON.stringify(event),
      // An added unknown field is not a reason to refuse (AWS adds fields over time).
      expected: UNKNOWN_FIELDS.has(field) ? [202] : [202, 400],
      brokenField: field,
    })),
    fc
      .array(mutatedEvent, { minLength: 1, maxLength: 5 })
      .map((a) => ({ body: JSON.stringify(a.map((m) => m.event)), expected: [202, 400] })),
  );
  await fc.assert(fc.asyncProperty(cases, expectAnswer), { numRuns: 300 });
});

test('random keys and content types: wrong key 401, then non-JSON 415, then a non-event 400', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/xml',
        undefined,
      ),
      fc.oneof(fc.constant(RIGHT_KEY), fc.constant(undefined), fc.stringMatching(/^[\x21-\x7e]{0,40}$/)),
      fc.jsonValue({ maxDepth: 2 }),
      async (contentType, apiKey, value) => {
        const response = await ctx.ingress.post(JSON.stringify(value), {
          'content-type': contentType,
          'x-api-key': apiKey === RIGHT_KEY ? ctx.ingress.apiKey : apiKey,
        });
        // The key is checked before the body is read; then only JSON is read; then it must be an event.
        const expected =
          apiKey !== RIGHT_KEY ? 401 : !contentType?.startsWith('application/json') ? 415 : 400;
        expect({ status: response.statusCode, body: response.body.slice(0, 200) }).toMatchObject({
          status: expected,
        });
      },
    ),
    { numRuns: 100 },
  );
});
