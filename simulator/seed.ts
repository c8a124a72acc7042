/**
 * The default seed (seed.json) and the ids in it that tests, benchmarks and the README rely on.
 *
 * The demo instance is the one in the AWS sample failure event; its rule 7410c94b… is that event's
 * rule, and its CREATE_TASK action names a contact flow of *another* instance — so re-issuing it fails
 * with "ContactFlowId provided does not belong to connect instance", exactly like the event says.
 */
import fs from 'node:fs';
import seedJson from './seed.json';
import { describeIssues, SeedSchema } from './connect/resource-schemas';
import type { SimulatorSeed } from './types';

export const SEED = {
  /** The instance of the AWS sample event (`test/fixtures/events/seed-failure-event.json`). */
  instanceId: 'cb54730f-5aac-4376-b2f4-7c822889931e',
  queues: {
    basic: 'e6609e33-b50c-469f-955c-d6ac11e2f00d',
    escalations: '17ca2ddf-3bbf-4364-b042-311015c0623f',
  },
  contactFlows: {
    /** Tasks land in the BasicQueue. */
    taskTriage: 'e58e9caa-2835-4c2e-aeb6-c29455226c7b',
    /** Tasks land in the Escalations queue. */
    opsEscalation: '132312df-80ef-46c3-b82f-0f3845e944f6',
  },
  rules: {
    /** The sample event's rule: CREATE_TASK whose ContactFlowId belongs to the other instance. */
    taskWithForeignFlow: '7410c94b-21c2-4db0-a707-c6d751edbe8f',
    /** CREATE_TASK with a valid flow (taskTriage); Name/Description use variable injection. */
    followUpTask: '8cc4f11e-a326-4fd4-a9f4-e401b2f5733b',
    /** GENERATE_EVENTBRIDGE_EVENT, EventBridgeAction { Name: 'churn-risk-detected' }. */
    churnRiskEvent: 'f265490c-eccb-4aa2-ac04-533948e47e9d',
    /** SEND_NOTIFICATION by EMAIL to one user. */
    supervisorEmail: 'cb9b8e86-087e-4d23-aa93-090edab5a861',
  },
  otherInstance: {
    instanceId: '4627d480-f6c3-469e-b78e-7182e6a8f416',
    queueId: '2d1c5b7e-8f3a-4e21-b6d4-0c9a7e5f1b32',
    /** The flow the sample event's rule points at: valid here, foreign to the demo instance. */
    contactFlowId: '476b4209-6695-42c4-8e32-78fe206e8824',
  },
} as const;

export class SeedError extends Error {
  override name = 'SeedError';
}

/** Validates seed data, naming each bad field. */
export function parseSeed(data: unknown, source = 'seed'): SimulatorSeed {
  const parsed = SeedSchema.safeParse(data);
  if (!parsed.success) {
    const lines = describeIssues(parsed.error).map((issue) => `  ${issue.path}: ${issue.message}`);
    throw new SeedError(`Invalid simulator seed (${source}):\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** A seed from a JSON file, e.g. for `connect-remediator simulator --seed <file>`. */
export function loadSeedFile(file: string): SimulatorSeed {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SeedError(`Cannot read simulator seed ${file}: ${(err as Error).message}`);
  }
  return parseSeed(data, file);
}

export function defaultSeed(): SimulatorSeed {
  return parseSeed(seedJson, 'simulator/seed.json');
}
