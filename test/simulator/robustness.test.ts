/**
 * The simulator never crashes and never answers 5xx on bad input: random methods, paths, headers and
 * bodies (malformed JSON, wrong types, near-valid requests) all get a well-formed AWS-style error —
 * or a JSON admin error under /_sim — and it keeps serving afterwards.
 */
import { DescribeRuleCommand } from '@aws-sdk/client-connect';
import fc from 'fast-check';
import { MAX_BODY_BYTES, SEED } from '../../simulator';
import { useSimulator } from './helpers';

const ctx = useSimulator();

const KNOWN_PATHS = [
  '/contact/task',
  '/contact/stop',
  `/rules/${SEED.instanceId}/${SEED.rules.followUpTask}`,
  `/metrics/current/${SEED.instanceId}`,
  `/queues-summary/${SEED.instanceId}`,
  '/',
  '/_sim/config',
  '/_sim/instances',
  `/_sim/instances/${SEED.instanceId}/rules`,
  `/_sim/instances/${SEED.instanceId}/contact-flows`,
  '/_sim/tasks/complete-oldest',
  '/_sim/state',
];

const value = fc.jsonValue({ maxDepth: 3 });
const nearValidStartTask = fc
  .record(
    {
      InstanceId: fc.oneof(fc.constant(SEED.instanceId), value),
      Name: fc.oneof(fc.string({ maxLength: 600 }), value),
      ContactFlowId: fc.oneof(fc.constant(SEED.contactFlows.taskTriage), value),
      QuickConnectId: value,
      Description: value,
      Attributes: fc.oneof(fc.dictionary(fc.string(), fc.string()), value),
      References: fc.oneof(
        fc.dictionary(fc.string(), fc.record({ Type: fc.string(), Value: fc.string() })),
        value,
      ),
      ClientToken: value,
      PreviousContactId: value,
      ScheduledTime: value,
    },
    { requiredKeys: [] },
  )
  .map((body) => JSON.stringify(body));
const nearValidPutEvents = fc
  .record(
    {
      Entries: fc.oneof(
        fc.array(
          fc.record(
            {
              Source: value,
              DetailType: value,
              Detail: fc.oneof(fc.json(), value),
              EventBusName: value,
              Time: value,
            },
            { requiredKeys: [] },
          ),
          { maxLength: 12 },
        ),
        value,
      ),
    },
    { requiredKeys: [] },
  )
  .map((body) => JSON.stringify(body));

const request = fc.record({
  method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH'),
  path: fc.oneof(
    fc.constantFrom(...KNOWN_PATHS),
    fc.webPath(),
    fc.string().map((text) => `/rules/${encodeURIComponent(text)}/${encodeURIComponent(text)}`),
  ),
  contentType: fc.constantFrom('application/json', 'application/x-amz-json-1.1', 'text/plain', undefined),
  target: fc.option(fc.constantFrom('AWSEvents.PutEvents', 'AWSEvents.ListRules', 'nonsense'), {
    nil: undefined,
  }),
  body: fc.oneof(fc.json(), fc.string(), nearValidStartTask, nearValidPutEvents),
});

type SentRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

async function send(input: SentRequest): Promise<Response> {
  const headers: Record<string, string> = {};
  if (input.contentType) headers['content-type'] = input.contentType;
  if (input.target) headers['x-amz-target'] = input.target;
  const hasBody = input.method !== 'GET';
  return fetch(`${ctx.sim.endpoint}${input.path}`, {
    method: input.method,
    headers,
    ...(hasBody ? { body: input.body } : {}),
  });
}

async function expectWellFormedAnswer(input: SentRequest, response: Response): Promise<void> {
  const text = await response.text();
  expect(response.status).toBeLessThan(500);
  if (response.status < 400) return;
  const body = JSON.parse(text) as Record<string, unknown>;
  if (input.path.startsWith('/_sim')) {
    expect(typeof body.error).toBe('string');
    expect(typeof body.message).toBe('string');
    return;
  }
  const errorType = response.headers.get('x-amzn-errortype');
  expect(errorType).toMatch(/^[A-Za-z]+$/);
  expect(response.headers.get('x-amzn-requestid')).toBeTruthy();
  expect(typeof (body.Message ?? body.message)).toBe('string');
}

test('random requests always get a well-formed answer below 500, and the simulator keeps serving', async () => {
  await fc.assert(
    fc.asyncProperty(request, async (input) => {
      await expectWellFormedAnswer(input, await send(input));
    }),
    { numRuns: 400 },
  );
  // The fuzzing spent the account's rate limits (throttled answers are well-formed too): changing
  // the limits starts every bucket full, so the call below shows the simulator still serves.
  await ctx.sim.admin.configure({ rateLimits: 'aws' });
  const { Rule } = await ctx.aws.connect.send(
    new DescribeRuleCommand({ InstanceId: SEED.instanceId, RuleId: SEED.rules.followUpTask }),
  );
  expect(Rule?.RuleId).toBe(SEED.rules.followUpTask);
  const state = await ctx.sim.admin.state({ tasks: 'none', log: 0 });
  expect(Object.values(state.requestCounts).reduce((sum, counts) => sum + counts.total, 0)).toBeGreaterThan(
    100,
  );
});

describe('specific bad input', () => {
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${ctx.sim.endpoint}${path}`, {
      method: path === '/contact/task' ? 'PUT' : 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const huge = 'x'.repeat(MAX_BODY_BYTES + 1);

  test('an oversized body is 413 in each protocol’s own format', async () => {
    const connect = await post('/contact/task', huge);
    expect(connect.status).toBe(413);
    expect(connect.headers.get('x-amzn-errortype')).toBe('RequestEntityTooLargeException');
    expect(await connect.json()).toEqual({ Message: `Request body exceeds ${MAX_BODY_BYTES} bytes` });

    const eventBridge = await post('/', huge, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSEvents.PutEvents',
    });
    expect(eventBridge.status).toBe(413);
    expect(await eventBridge.json()).toMatchObject({ __type: 'RequestEntityTooLargeException' });

    const admin = await post('/_sim/config', huge);
    expect(admin.status).toBe(413);
    expect(await admin.json()).toMatchObject({ error: 'InvalidRequest' });

    const counts = (await ctx.sim.admin.state()).requestCounts;
    expect(counts.StartTaskContact?.errors).toEqual({ RequestEntityTooLargeException: 1 });
    expect(counts.PutEvents?.errors).toEqual({ RequestEntityTooLargeException: 1 });
  });

  test('malformed JSON: InvalidRequestException (Connect), SerializationException (EventBridge)', async () => {
    const connect = await post('/contact/task', '{"Name": ');
    expect(connect.status).toBe(400);
    expect(connect.headers.get('x-amzn-errortype')).toBe('InvalidRequestException');
    const eventBridge = await post('/', '[1, 2]', { 'x-amz-target': 'AWSEvents.PutEvents' });
    expect(eventBridge.status).toBe(400);
    expect(await eventBridge.json()).toEqual({
      __type: 'SerializationException',
      message: 'The request body must be a JSON object',
    });
  });

  test('wrong JSON types name the field', async () => {
    const connect = await post(
      '/contact/task',
      JSON.stringify({ InstanceId: SEED.instanceId, Name: 42, ContactFlowId: SEED.contactFlows.taskTriage }),
    );
    expect(await connect.json()).toEqual({
      Message:
        "1 validation error detected: Value at 'Name' failed to satisfy constraint: Member must be a string",
    });
    const eventBridge = await post('/', JSON.stringify({ Entries: [{ Source: 1 }] }), {
      'x-amz-target': 'AWSEvents.PutEvents',
    });
    expect(await eventBridge.json()).toEqual({
      __type: 'SerializationException',
      message: 'Entries[0].Source: expected a string',
    });
  });

  test('unknown operations, broken URLs and overlong ids', async () => {
    const unknownPath = await fetch(`${ctx.sim.endpoint}/contact/chat`, { method: 'PUT' });
    expect(unknownPath.status).toBe(404);
    expect(unknownPath.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');

    const unknownTarget = await post('/', '{}', { 'x-amz-target': 'AWSEvents.ListRules' });
    expect(unknownTarget.status).toBe(400);
    expect(await unknownTarget.json()).toEqual({
      __type: 'UnknownOperationException',
      message: 'The simulator does not implement ListRules',
    });

    const brokenUrl = await fetch(`${ctx.sim.endpoint}/rules/%E0%A4%A/x`);
    expect(brokenUrl.status).toBe(400);
    expect(brokenUrl.headers.get('x-amzn-errortype')).toBe('InvalidRequestException');

    const overlong = await fetch(`${ctx.sim.endpoint}/rules/${'i'.repeat(600)}/x`);
    expect(overlong.status).toBe(400);
    expect(overlong.headers.get('x-amzn-errortype')).toBe('InvalidRequestException');
  });
});
