/**
 * Shared by the simulator tests: one in-process simulator per test file, real AWS SDK clients pointed
 * at it, and an assertion that a call failed with the SDK's own exception class, status and message.
 */
import {
  ConnectClient,
  StartTaskContactCommand,
  type StartTaskContactCommandInput,
  type StartTaskContactCommandOutput,
} from '@aws-sdk/client-connect';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SEED, startSimulator, type RunningSimulator, type SimulatorOptions } from '../../simulator';

const DUMMY_CREDENTIALS = { accessKeyId: 'simulator-test', secretAccessKey: 'simulator-test' };

export interface SdkClients {
  connect: ConnectClient;
  eventBridge: EventBridgeClient;
}

/**
 * SDK clients as the engine builds them. `maxAttempts: 1` (the default here) keeps the SDK's own
 * retries from consuming injected faults; pass 3 to observe the SDK's retry decisions.
 */
export function sdkClients(endpoint: string, maxAttempts = 1): SdkClients {
  const options = { endpoint, region: 'us-east-1', credentials: DUMMY_CREDENTIALS, maxAttempts };
  return { connect: new ConnectClient(options), eventBridge: new EventBridgeClient(options) };
}

export interface SimulatorTestContext {
  sim: RunningSimulator;
  aws: SdkClients;
  /** StartTaskContact on the seeded demo instance and flow, with any field overridden or removed. */
  startTask(
    overrides?: Partial<StartTaskContactCommandInput>,
    instanceId?: string,
    options?: { abortSignal?: AbortSignal },
  ): Promise<StartTaskContactCommandOutput>;
  openTasks(instanceId?: string): Promise<number>;
}

/** Starts a simulator for the file (reset before each test) and stops it afterwards. */
export function useSimulator(options: SimulatorOptions = {}): SimulatorTestContext {
  const context: SimulatorTestContext = {
    sim: undefined as unknown as RunningSimulator,
    aws: undefined as unknown as SdkClients,
    startTask: (overrides = {}, instanceId = SEED.instanceId, options = {}) =>
      context.aws.connect.send(
        new StartTaskContactCommand({
          InstanceId: instanceId,
          Name: 'Call the customer back',
          ContactFlowId: SEED.contactFlows.taskTriage,
          ...overrides,
        } as StartTaskContactCommandInput),
        options,
      ),
    openTasks: async (instanceId = SEED.instanceId) =>
      (await context.sim.admin.instance(instanceId)).openTasks,
  };
  beforeAll(async () => {
    context.sim = await startSimulator({ port: 0, host: '127.0.0.1', ...options });
    context.aws = sdkClients(context.sim.endpoint);
  });
  beforeEach(async () => {
    await context.sim.admin.reset();
  });
  afterAll(async () => {
    context.aws?.connect.destroy();
    context.aws?.eventBridge.destroy();
    await context.sim?.stop();
  });
  return context;
}

/** A clock for `startSimulator({ now })` that moves only when told: rate-limit tests step through refills. */
export class ManualClock {
  constructor(private ms = Date.parse('2030-01-01T00:00:00.000Z')) {}

  readonly now = () => this.ms;

  advance(ms: number): void {
    this.ms += ms;
  }
}

/** What every SDK service exception carries. */
export interface SdkError extends Error {
  $fault: 'client' | 'server';
  $metadata: { httpStatusCode?: number; attempts?: number; requestId?: string };
  $retryable?: { throttling?: boolean };
}

/** Awaits a call that must fail and checks the SDK turned the answer into `errorClass`. */
export async function expectSdkError(
  call: Promise<unknown>,
  errorClass: abstract new (...args: never[]) => Error,
  expected: { status: number; message: string | RegExp; name?: string },
): Promise<SdkError> {
  let caught: unknown;
  try {
    await call;
  } catch (err) {
    caught = err;
  }
  if (caught === undefined) throw new Error(`expected ${errorClass.name}, but the call succeeded`);
  const error = caught as SdkError;
  expect(error).toBeInstanceOf(errorClass);
  expect(error.name).toBe(expected.name ?? errorClass.name);
  expect(error.$metadata.httpStatusCode).toBe(expected.status);
  if (typeof expected.message === 'string') expect(error.message).toBe(expected.message);
  else expect(error.message).toMatch(expected.message);
  return error;
}
