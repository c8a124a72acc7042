/**
 * Random input at the HTTP handler (fast-check): whatever arrives, the ingress answers 202 or a
 * 4xx — never a 5xx, never a dropped connection — while Temporal is up.
 */
import fc from 'fast-check';
import { failureEvent } from '../helpers/events';
import { useTestIngress } from './harness';

const ctx = useTestIngress();

const acceptable = (status: number) => status === 202 || (status >= 400 && status < 500);

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
    return event;
  });

test('random JSON, random text and mutated events: every answer is 202 or 4xx', async () => {
  const bodies = fc.oneof(
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string({ unit: 'binary', maxLength: 200 }),
    mutatedEvent.map((e) => JSON.stringify(e)),
    fc.array(mutatedEvent, { minLength: 1, maxLength: 5 }).map((a) => JSON.stringify(a)),
  );
  await fc.assert(
    fc.asyncProperty(bodies, async (body) => {
      const response = await ctx.ingress.post(body);
      if (!acceptable(response.statusCode)) {
        throw new Error(
          `answered ${response.statusCode} to ${body.slice(0, 300)}: ${response.body.slice(0, 300)}`,
        );
      }
    }),
    { numRuns: 300 },
  );
});

test('random headers and content types never produce a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/xml',
        undefined,
      ),
      fc.oneof(
        fc.constant('the right key'),
        fc.constant(undefined),
        fc.stringMatching(/^[\x21-\x7e]{0,40}$/),
      ),
      fc.jsonValue({ maxDepth: 2 }),
      async (contentType, apiKey, value) => {
        const response = await ctx.ingress.post(JSON.stringify(value), {
          'content-type': contentType,
          'x-api-key': apiKey,
        });
        expect(acceptable(response.statusCode)).toBe(true);
      },
    ),
    { numRuns: 100 },
  );
});
