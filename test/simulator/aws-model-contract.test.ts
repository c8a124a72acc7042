/**
 * The simulator held to AWS's own service models (test/fixtures/aws-models/, extracted from the
 * models botocore ships by scripts/extract-aws-models.ts):
 *
 * - every error an operation can answer, real or injected, is one the model lists for it (or one
 *   AWS's front door answers for any operation, per the services' Common Errors pages), with the
 *   model's HTTP status and a message;
 * - every constraint the model puts on a field the engine sends — length, range, pattern, enum,
 *   required — is enforced the same way: the boundary value passes, one step past it is refused
 *   naming the field.
 *
 * Where AWS's documentation is newer than (or says more than) the model, the documentation wins;
 * each such place says so: a probe's `docs` bound, and "documented rules the model does not carry".
 * (StartTaskContact's Name: the model and the API reference now agree on 0 to 1,024 characters.)
 *
 * All calls go through the real AWS SDK v3 clients, so the wire format is the SDK's.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  DescribeRuleCommand,
  GetCurrentMetricDataCommand,
  ListQueuesCommand,
  StartTaskContactCommand,
  StopContactCommand,
  type GetCurrentMetricDataCommandInput,
  type StartTaskContactCommandInput,
} from '@aws-sdk/client-connect';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SEED } from '../../simulator';
import { errorInfo, OPERATION_ERRORS, type AwsService } from '../../simulator/aws-errors';
import { SIMULATED_OPERATIONS, type SimulatedOperation } from '../../simulator/types';
import { useSimulator, type SdkError } from './helpers';

// ---------------------------------------------------------------------------------------------
// The models

interface Shape {
  type: string;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  required?: string[];
  members?: Record<string, { shape: string; location?: string }>;
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  error?: { httpStatusCode?: number };
  fault?: boolean;
  exception?: boolean;
}
interface Model {
  operations: Record<string, { input: { shape: string }; errors?: { shape: string }[] }>;
  shapes: Record<string, Shape>;
}

const readModel = (name: string) =>
  JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'aws-models', `${name}.json`), 'utf8'),
  ) as Model;
const MODELS: Record<AwsService, Model> = {
  connect: readModel('connect'),
  eventbridge: readModel('eventbridge'),
  cloudwatch: readModel('cloudwatch'),
};

const serviceOf = (operation: SimulatedOperation): AwsService =>
  operation === 'PutEvents' ? 'eventbridge' : operation === 'GetMetricData' ? 'cloudwatch' : 'connect';

/** The status AWS sends for a modelled error: its @httpError, else 500 for a server fault, 400 otherwise. */
function modelStatus(shape: Shape): number {
  return shape.error?.httpStatusCode ?? (shape.fault ? 500 : 400);
}

/**
 * Errors AWS answers for any operation, before the service sees the request, documented on the
 * services' Common Errors pages rather than in each operation's model. EventBridge's model does
 * not carry their shapes, so their statuses come from that page (400 each); Connect's model does.
 */
const FRONT_DOOR: Record<AwsService, Record<string, number | 'model'>> = {
  connect: { ThrottlingException: 'model', AccessDeniedException: 'model' },
  eventbridge: { ThrottlingException: 400, AccessDeniedException: 400, ValidationException: 400 },
  // CloudWatch's Common Errors: ThrottlingException, AccessDeniedException, InternalFailure (500)
  // and ValidationError, which the current SDK raises as ValidationException (its JSON name).
  cloudwatch: {
    ThrottlingException: 400,
    AccessDeniedException: 400,
    InternalFailure: 500,
    ValidationException: 400,
  },
};

/** The shape a dotted path leads to, from an operation's input: `References.{key}`, `Queues.[]`. */
function shapeAt(model: Model, operation: string, fieldPath: string[]): Shape {
  let shape = model.shapes[model.operations[operation]!.input.shape]!;
  for (const step of fieldPath) {
    const next =
      step === '{key}'
        ? shape.key
        : step === '{value}'
          ? shape.value
          : step === '[]'
            ? shape.member
            : shape.members?.[step];
    if (!next) throw new Error(`${operation}: no member ${fieldPath.join('.')} in the model`);
    shape = model.shapes[next.shape]!;
  }
  return shape;
}

function isRequired(model: Model, operation: string, fieldPath: string[]): boolean {
  const parent = shapeAt(model, operation, fieldPath.slice(0, -1));
  return parent.required?.includes(fieldPath.at(-1)!) ?? false;
}

// ---------------------------------------------------------------------------------------------
// The simulator, through the real SDK clients

const ctx = useSimulator({ config: { rateLimits: 'off' } });
let cloudWatch: CloudWatchClient;
beforeAll(() => {
  cloudWatch = new CloudWatchClient({
    endpoint: ctx.sim.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'contract', secretAccessKey: 'contract' },
    maxAttempts: 1,
  });
});
afterAll(() => cloudWatch.destroy());

async function outcome(call: Promise<unknown>): Promise<SdkError | undefined> {
  try {
    await call;
    return undefined;
  } catch (err) {
    return err as SdkError;
  }
}

/** The operation's own word for "your input breaks a constraint". */
const REFUSALS: Record<SimulatedOperation, string> = {
  StartTaskContact: 'InvalidParameterException',
  StopContact: 'InvalidParameterException',
  GetCurrentMetricData: 'InvalidParameterException',
  ListQueues: 'InvalidParameterException',
  // DescribeRule's model lists no InvalidParameterException.
  DescribeRule: 'InvalidRequestException',
  PutEvents: 'ValidationException',
  GetMetricData: 'ValidationException',
};

const taskInput = (patch: Partial<StartTaskContactCommandInput> = {}): StartTaskContactCommandInput => ({
  InstanceId: SEED.instanceId,
  Name: 'Call the customer back',
  ContactFlowId: SEED.contactFlows.taskTriage,
  ...patch,
});
const metricsInput = (patch: Partial<GetCurrentMetricDataCommandInput> = {}) => ({
  InstanceId: SEED.instanceId,
  Filters: { Queues: [SEED.queues.basic], Channels: ['TASK' as const] },
  CurrentMetrics: [{ Name: 'CONTACTS_IN_QUEUE' as const, Unit: 'COUNT' as const }],
  ...patch,
});
/** The query the capacity gate makes: the instance's open tasks and their share of its quota. */
const metricDataInput = (patch: Partial<GetMetricDataCommandInput> = {}): GetMetricDataCommandInput => ({
  StartTime: new Date(Date.now() - 600_000),
  EndTime: new Date(),
  MetricDataQueries: [
    {
      Id: 'tasks',
      MetricStat: {
        Metric: {
          Namespace: 'AWS/Connect',
          MetricName: 'ConcurrentTasks',
          Dimensions: [
            { Name: 'InstanceId', Value: SEED.instanceId },
            { Name: 'MetricGroup', Value: 'Tasks' },
          ],
        },
        Period: 60,
        Stat: 'Maximum',
      },
    },
  ],
  ...patch,
});
const metricQuery = (patch: Record<string, unknown>) =>
  metricDataInput({
    MetricDataQueries: [{ ...metricDataInput().MetricDataQueries![0]!, ...patch } as never],
  });

const entry = (patch: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  Source: 'connect-remediator',
  DetailType: 'contract',
  Detail: '{}',
  ...patch,
});

/** One valid call of each operation (what a fault is injected into). */
const CALLS: Record<SimulatedOperation, () => Promise<unknown>> = {
  StartTaskContact: () => ctx.aws.connect.send(new StartTaskContactCommand(taskInput())),
  StopContact: () =>
    ctx.aws.connect.send(new StopContactCommand({ InstanceId: SEED.instanceId, ContactId: 'c' })),
  DescribeRule: () =>
    ctx.aws.connect.send(
      new DescribeRuleCommand({ InstanceId: SEED.instanceId, RuleId: SEED.rules.followUpTask }),
    ),
  GetCurrentMetricData: () => ctx.aws.connect.send(new GetCurrentMetricDataCommand(metricsInput())),
  ListQueues: () => ctx.aws.connect.send(new ListQueuesCommand({ InstanceId: SEED.instanceId })),
  PutEvents: () => ctx.aws.eventBridge.send(new PutEventsCommand({ Entries: [entry()] })),
  GetMetricData: () => cloudWatch.send(new GetMetricDataCommand(metricDataInput())),
};

// ---------------------------------------------------------------------------------------------
// Errors

describe.each(SIMULATED_OPERATIONS)('%s answers only errors its model has, with its status', (operation) => {
  const service = serviceOf(operation);
  const model = MODELS[service];
  const modelled = new Set((model.operations[operation]!.errors ?? []).map((error) => error.shape));

  const expectedStatus = (name: string): number => {
    if (modelled.has(name)) return modelStatus(model.shapes[name]!);
    const frontDoor = FRONT_DOOR[service][name];
    if (frontDoor === undefined) {
      throw new Error(`${operation} can answer ${name}, which neither its model nor Common Errors list`);
    }
    return frontDoor === 'model' ? modelStatus(model.shapes[name]!) : frontDoor;
  };

  test.each(OPERATION_ERRORS[operation].map((name) => [name]))(
    '%s: the model’s status, injected through the SDK with a message',
    async (name) => {
      const status = expectedStatus(name);
      expect(errorInfo(service, name)?.status).toBe(status);

      await ctx.sim.admin.injectFaults({ errors: [{ operation, error: name }] });
      const error = await outcome(CALLS[operation]());
      expect(error?.name).toBe(name);
      expect(error?.$metadata.httpStatusCode).toBe(status);
      expect(typeof error?.message).toBe('string');
      expect(error?.message.length).toBeGreaterThan(0);
      expect(error?.message).not.toBe('UnknownError');
    },
  );

  test('every error the model lists is one the simulator can answer', () => {
    expect(OPERATION_ERRORS[operation]).toEqual(expect.arrayContaining([...modelled]));
  });
});

test.each([
  ['DescribeRule', 'ServiceQuotaExceededException'],
  ['StartTaskContact', 'ContactNotFoundException'],
  ['PutEvents', 'ResourceNotFoundException'],
  ['StopContact', 'ServiceQuotaExceededException'],
] as const)('the admin API refuses to make %s answer %s, which AWS never does', async (operation, error) => {
  await expect(ctx.sim.admin.injectFaults({ errors: [{ operation, error }] })).rejects.toThrow(
    `expected an error ${operation} can answer with: ${OPERATION_ERRORS[operation].join(', ')}`,
  );
});

// ---------------------------------------------------------------------------------------------
// Constraints on the fields the engine sends

interface FieldProbe {
  operation: SimulatedOperation;
  /** Path in the model's input shape: member names, `{key}`, `{value}`, `[]`. */
  model: string[];
  /** How the field is named in the refusal (AWS's validation message). */
  label: string | RegExp;
  /** Sends the request with the field set to `value` (`undefined`: left out). */
  send: (value: unknown) => Promise<unknown>;
  /** Builds a value of a length (strings, lists) or the number itself (integers). */
  sized?: (size: number) => unknown;
  /** Where the documentation allows less than the model (say why). */
  docs?: { max: number; why: string };
}

const chars = (n: number) => 'a'.repeat(n);
const connect = () => ctx.aws.connect;
const startTask = (patch: Partial<StartTaskContactCommandInput>) =>
  connect().send(new StartTaskContactCommand(taskInput(patch)));
const withField = (name: string, value: unknown) =>
  value === undefined ? { [name]: undefined } : { [name]: value };

const PROBES: FieldProbe[] = [
  {
    operation: 'StartTaskContact',
    model: ['InstanceId'],
    label: 'InstanceId',
    send: (v) => startTask(withField('InstanceId', v)),
    sized: chars,
  },
  {
    operation: 'StartTaskContact',
    model: ['Name'],
    label: 'Name',
    send: (v) => startTask(withField('Name', v)),
    sized: chars,
  },
  {
    operation: 'StartTaskContact',
    model: ['Description'],
    label: 'Description',
    send: (v) => startTask(withField('Description', v)),
    sized: chars,
  },
  {
    operation: 'StartTaskContact',
    model: ['ContactFlowId'],
    label: 'ContactFlowId',
    send: (v) => startTask(withField('ContactFlowId', v)),
    sized: chars,
  },
  {
    operation: 'StartTaskContact',
    model: ['ClientToken'],
    label: 'ClientToken',
    send: (v) => startTask(withField('ClientToken', v)),
    sized: chars,
  },
  {
    operation: 'StartTaskContact',
    model: ['References', '{key}'],
    label: 'References',
    send: (v) => startTask({ References: { [v as string]: { Type: 'STRING', Value: '' } } }),
    sized: chars,
  },
  {
    operation: 'StartTaskContact',
    model: ['References', '{value}', 'Value'],
    label: 'References',
    send: (v) => startTask({ References: { k: { Type: 'STRING', Value: v as string } } }),
    sized: chars,
    docs: {
      // The API reference's Reference: "up to 4,096 UTF-8 bytes across all references for a
      // contact" — keys included, so a 4,096-character value with its key no longer fits.
      max: 4095,
      why: 'references share a 4,096-byte budget per contact (key "k" takes 1)',
    },
  },
  {
    operation: 'StartTaskContact',
    model: ['References', '{value}', 'Type'],
    label: 'References',
    send: (v) => startTask({ References: { k: { Type: v as 'URL', Value: 'https://example.com' } } }),
  },
  {
    operation: 'StartTaskContact',
    model: ['Attributes', '{key}'],
    label: 'Attributes',
    send: (v) => startTask({ Attributes: { [v as string]: '' } }),
    sized: chars,
  },
  {
    operation: 'StartTaskContact',
    model: ['Attributes', '{value}'],
    label: 'Attributes',
    send: (v) => startTask({ Attributes: { k: v as string } }),
    sized: chars,
    docs: {
      // StartTaskContact's Attributes: "up to 32,768 UTF-8 bytes across all key-value pairs".
      max: 32_767,
      why: 'attributes share a 32,768-byte budget per contact (key "k" takes 1)',
    },
  },
  {
    operation: 'DescribeRule',
    model: ['RuleId'],
    label: 'RuleId',
    send: (v) =>
      connect().send(new DescribeRuleCommand({ InstanceId: SEED.instanceId, RuleId: v as string })),
    sized: chars,
  },
  {
    operation: 'DescribeRule',
    model: ['InstanceId'],
    label: 'InstanceId',
    send: (v) => connect().send(new DescribeRuleCommand({ InstanceId: v as string, RuleId: 'r' })),
    sized: chars,
  },
  {
    operation: 'GetCurrentMetricData',
    model: ['Filters', 'Queues'],
    label: 'Filters.Queues',
    send: (v) =>
      connect().send(
        new GetCurrentMetricDataCommand(
          metricsInput({ Filters: { Queues: v as string[], Channels: ['TASK'] } }),
        ),
      ),
    sized: (n) => Array.from({ length: n }, (_, i) => `queue-${i}`),
  },
  {
    operation: 'GetCurrentMetricData',
    model: ['Filters', 'Channels'],
    label: 'Filters.Channels',
    send: (v) =>
      connect().send(
        new GetCurrentMetricDataCommand(
          metricsInput({ Filters: { Queues: [SEED.queues.basic], Channels: v as 'TASK'[] } }),
        ),
      ),
    sized: (n) => Array.from({ length: n }, (_, i) => ['VOICE', 'CHAT', 'TASK', 'EMAIL', 'TASK'][i % 5]),
  },
  {
    operation: 'GetCurrentMetricData',
    model: ['Filters', 'Channels', '[]'],
    label: 'Filters.Channels',
    send: (v) =>
      connect().send(
        new GetCurrentMetricDataCommand(
          metricsInput({ Filters: { Queues: [SEED.queues.basic], Channels: [v as 'TASK'] } }),
        ),
      ),
  },
  {
    operation: 'GetCurrentMetricData',
    model: ['CurrentMetrics', '[]', 'Name'],
    label: 'CurrentMetrics',
    send: (v) =>
      connect().send(
        new GetCurrentMetricDataCommand(
          metricsInput({ CurrentMetrics: [{ Name: v as 'CONTACTS_IN_QUEUE' }] }),
        ),
      ),
  },
  {
    operation: 'GetCurrentMetricData',
    model: ['CurrentMetrics', '[]', 'Unit'],
    label: 'CurrentMetrics',
    send: (v) =>
      connect().send(
        new GetCurrentMetricDataCommand(
          metricsInput({ CurrentMetrics: [{ Name: 'CONTACTS_IN_QUEUE', Unit: v as 'COUNT' }] }),
        ),
      ),
  },
  {
    operation: 'GetCurrentMetricData',
    model: ['Groupings'],
    label: 'Groupings',
    send: (v) => connect().send(new GetCurrentMetricDataCommand(metricsInput({ Groupings: v as 'QUEUE'[] }))),
    sized: (n) => Array.from({ length: n }, (_, i) => (i % 2 ? 'CHANNEL' : 'QUEUE')),
  },
  {
    operation: 'GetCurrentMetricData',
    model: ['Groupings', '[]'],
    label: 'Groupings',
    send: (v) => connect().send(new GetCurrentMetricDataCommand(metricsInput({ Groupings: [v as 'QUEUE'] }))),
  },
  {
    operation: 'GetCurrentMetricData',
    model: ['MaxResults'],
    label: 'MaxResults',
    send: (v) => connect().send(new GetCurrentMetricDataCommand(metricsInput({ MaxResults: v as number }))),
    sized: (n) => n,
  },
  {
    operation: 'GetCurrentMetricData',
    model: ['Filters'],
    label: 'Filters',
    send: (v) => connect().send(new GetCurrentMetricDataCommand(metricsInput({ Filters: v as never }))),
  },
  {
    operation: 'GetCurrentMetricData',
    model: ['CurrentMetrics'],
    label: 'CurrentMetrics',
    send: (v) =>
      connect().send(new GetCurrentMetricDataCommand(metricsInput({ CurrentMetrics: v as never }))),
  },
  {
    operation: 'ListQueues',
    model: ['MaxResults'],
    label: 'maxResults',
    send: (v) =>
      connect().send(new ListQueuesCommand({ InstanceId: SEED.instanceId, MaxResults: v as number })),
    sized: (n) => n,
  },
  {
    operation: 'ListQueues',
    model: ['QueueTypes'],
    label: 'queueTypes',
    send: (v) =>
      connect().send(new ListQueuesCommand({ InstanceId: SEED.instanceId, QueueTypes: v as 'STANDARD'[] })),
    sized: (n) => Array.from({ length: n }, (_, i) => (i % 2 ? 'AGENT' : 'STANDARD')),
  },
  {
    operation: 'ListQueues',
    model: ['QueueTypes', '[]'],
    label: 'queueTypes',
    send: (v) =>
      connect().send(new ListQueuesCommand({ InstanceId: SEED.instanceId, QueueTypes: [v as 'STANDARD'] })),
  },
  {
    operation: 'StopContact',
    model: ['ContactId'],
    label: 'ContactId',
    send: (v) =>
      connect().send(new StopContactCommand({ InstanceId: SEED.instanceId, ContactId: v as string })),
    sized: chars,
  },
  {
    operation: 'PutEvents',
    model: ['Entries'],
    label: 'entries',
    send: (v) => ctx.aws.eventBridge.send(new PutEventsCommand({ Entries: v as PutEventsRequestEntry[] })),
    sized: (n) => Array.from({ length: n }, () => entry()),
  },
  {
    operation: 'PutEvents',
    model: ['Entries', '[]', 'EventBusName'],
    label: 'eventBusName',
    send: (v) =>
      ctx.aws.eventBridge.send(new PutEventsCommand({ Entries: [entry({ EventBusName: v as string })] })),
    sized: chars,
  },
  {
    operation: 'PutEvents',
    model: ['Entries', '[]', 'Resources', '[]'],
    label: 'resources',
    send: (v) =>
      ctx.aws.eventBridge.send(new PutEventsCommand({ Entries: [entry({ Resources: [v as string] })] })),
    sized: chars,
  },
  {
    operation: 'GetMetricData',
    model: ['MetricDataQueries', '[]', 'Id'],
    label: 'MetricDataQueries.0.Id',
    send: (v) => cloudWatch.send(new GetMetricDataCommand(metricQuery({ Id: v }))),
    sized: (n) => `q${'a'.repeat(Math.max(0, n - 1))}`.slice(0, n),
  },
  {
    operation: 'GetMetricData',
    model: ['MetricDataQueries', '[]', 'MetricStat', 'Period'],
    label: 'Period',
    send: (v) =>
      cloudWatch.send(
        new GetMetricDataCommand(
          metricQuery({ MetricStat: { ...metricDataInput().MetricDataQueries![0]!.MetricStat!, Period: v } }),
        ),
      ),
    sized: (n) => n,
  },
  {
    operation: 'GetMetricData',
    model: ['StartTime'],
    label: 'StartTime',
    send: (v) => cloudWatch.send(new GetMetricDataCommand(metricDataInput({ StartTime: v as Date }))),
  },
  {
    operation: 'GetMetricData',
    model: ['MetricDataQueries'],
    label: 'MetricDataQueries',
    send: (v) =>
      cloudWatch.send(new GetMetricDataCommand(metricDataInput({ MetricDataQueries: v as never }))),
  },
];

/** A value the pattern refuses (patterns are matched whole, as AWS's validation does). */
function breaking(pattern: string): string {
  const whole = new RegExp(`^(?:${pattern})$`);
  const candidate = ['has space', '#', '!!', '/'].find((value) => !whole.test(value));
  if (candidate === undefined) throw new Error(`no probe value breaks /${pattern}/`);
  return candidate;
}

function refusedFor(probe: FieldProbe, error: SdkError | undefined): boolean {
  if (!error || error.name !== REFUSALS[probe.operation]) return false;
  return typeof probe.label === 'string'
    ? error.message.toLowerCase().includes(probe.label.toLowerCase())
    : probe.label.test(error.message);
}

/** The cases each probe's model constraint implies: [what, value, refused?]. */
function cases(probe: FieldProbe): [string, unknown, boolean][] {
  const model = MODELS[serviceOf(probe.operation)];
  const shape = shapeAt(model, probe.operation, probe.model);
  const out: [string, unknown, boolean][] = [];
  // The SDK itself refuses a missing or empty path label, before any request is sent.
  const member = ['{key}', '{value}', '[]'].includes(probe.model.at(-1)!)
    ? undefined
    : shapeAt(model, probe.operation, probe.model.slice(0, -1)).members?.[probe.model.at(-1)!];
  const inPath = member?.location === 'uri';
  if (member && !inPath && isRequired(model, probe.operation, probe.model)) {
    out.push(['required: left out', undefined, true]);
  }
  if (shape.enum) {
    out.push([`enum: ${shape.enum[0]}`, shape.enum[0], false]);
    out.push(['enum: a value outside the set', 'NOT_IN_THE_SET', true]);
  }
  if (shape.pattern)
    out.push([`pattern: ${JSON.stringify(breaking(shape.pattern))}`, breaking(shape.pattern), true]);
  if (probe.sized) {
    const max = probe.docs?.max ?? shape.max;
    if (max !== undefined) {
      out.push([`max: ${max}`, probe.sized(max), false]);
      out.push([`max: ${max + 1}`, probe.sized(max + 1), true]);
    }
    if (shape.min !== undefined && shape.min > 0 && !inPath) {
      out.push([`min: ${shape.min}`, probe.sized(shape.min), false]);
      out.push([`min: ${shape.min - 1}`, probe.sized(shape.min - 1), true]);
    }
  }
  return out;
}

describe.each(PROBES.map((probe) => [`${probe.operation} ${probe.model.join('.')}`, probe] as const))(
  '%s is constrained as the model says',
  (_name, probe) => {
    const all = cases(probe);
    test('the model constrains it', () => {
      expect(all.length).toBeGreaterThan(0);
    });
    test.each(all)('%s', async (_what, value, refused) => {
      const error = await outcome(probe.send(value));
      expect({
        refused: refusedFor(probe, error),
        error: error && `${error.name}: ${error.message}`,
      }).toEqual({
        refused,
        error: refused
          ? expect.any(String)
          : error && expect.not.stringMatching(/failed to satisfy constraint/),
      });
    });
  },
);

// ---------------------------------------------------------------------------------------------
// Where the documentation says more than the model

describe('documented rules the model does not carry', () => {
  test('references: at most 4,096 UTF-8 bytes across keys and values per contact', async () => {
    const fits = {
      a: { Type: 'STRING' as const, Value: 'é'.repeat(2047) },
      b: { Type: 'STRING' as const, Value: '' },
    };
    expect(await outcome(startTask({ References: fits }))).toBeUndefined();
    const over = { ...fits, c: { Type: 'STRING' as const, Value: '' } };
    const error = await outcome(startTask({ References: over }));
    expect(error?.name).toBe('InvalidParameterException');
    expect(error?.message).toMatch(/at most 4096 UTF-8 bytes across all references, got 4097/);
  });

  test('a GetMetricData query id starts with a lowercase letter (the API reference; the model has no pattern)', async () => {
    const error = await outcome(cloudWatch.send(new GetMetricDataCommand(metricQuery({ Id: 'Tasks' }))));
    expect(error?.name).toBe('ValidationException');
    expect(error?.message).toContain("Value at 'MetricDataQueries.0.Id' failed to satisfy constraint");
  });

  test('GetCurrentMetricData filters by queues or by routing profiles, never both (its API reference)', async () => {
    const byProfile = metricsInput({ Filters: { RoutingProfiles: ['profile-1'], Channels: ['TASK'] } });
    expect(await outcome(connect().send(new GetCurrentMetricDataCommand(byProfile)))).toBeUndefined();
    const both = metricsInput({
      Filters: { Queues: [SEED.queues.basic], RoutingProfiles: ['profile-1'], Channels: ['TASK'] },
    });
    const error = await outcome(connect().send(new GetCurrentMetricDataCommand(both)));
    expect(error?.name).toBe('InvalidParameterException');
  });

  test('a DATE reference must be an epoch timestamp', async () => {
    expect(
      await outcome(startTask({ References: { due: { Type: 'DATE', Value: '1767225600' } } })),
    ).toBeUndefined();
    const error = await outcome(startTask({ References: { due: { Type: 'DATE', Value: '2026-01-01' } } }));
    expect(error?.name).toBe('InvalidParameterException');
    expect(error?.message).toContain(
      "Value at 'References.due.Value' failed to satisfy constraint: DATE must be of type Epoch timestamp",
    );
  });
});

// Every answer of every test in this file, read before the next test resets the simulator.
const answered: { operation: SimulatedOperation; error: string }[] = [];
afterEach(async () => {
  const { requestLog } = await ctx.sim.admin.state({ tasks: 'none', log: 100_000 });
  for (const call of requestLog) {
    if (call.error !== undefined && call.operation !== 'Unknown') {
      answered.push({ operation: call.operation, error: call.error });
    }
  }
});

test('every error the simulator answered in this file is one its operation can answer', () => {
  expect(answered.length).toBeGreaterThan(50);
  const unanswerable = answered.filter(
    ({ operation, error }) => !OPERATION_ERRORS[operation].includes(error),
  );
  expect(unanswerable).toEqual([]);
});
