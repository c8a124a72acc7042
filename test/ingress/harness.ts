/**
 * An in-process ingress on the run's Temporal dev server, with its own task queue and API key,
 * listening on 127.0.0.1 (a free port) and spoken to over real HTTP. (fastify's `inject` needs an
 * ESM-only dependency that jest cannot load on Node 20 — and real HTTP is what EventBridge uses.)
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { createIngressApp, type IngressAppOptions } from '../../ingress';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';

export interface HttpAnswer {
  statusCode: number;
  headers: Headers;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on the shape
  json(): any;
}

export interface TestIngress {
  app: FastifyInstance;
  url: string;
  taskQueue: string;
  apiKey: string;
  target: IngressAppOptions['temporal'];
  /**
   * POSTs a JSON value (or raw text) to /events with the right key and JSON content type unless
   * `headers` says otherwise (undefined removes a header).
   */
  post(body: unknown, headers?: Record<string, string | undefined>): Promise<HttpAnswer>;
  get(path: string): Promise<HttpAnswer>;
  close(): Promise<void>;
}

async function answer(response: Response): Promise<HttpAnswer> {
  const body = await response.text();
  return { statusCode: response.status, headers: response.headers, body, json: () => JSON.parse(body) };
}

export async function createTestIngress(
  temporal: TestTemporal,
  overrides: Partial<IngressAppOptions> = {},
): Promise<TestIngress> {
  const taskQueue = uniqueTaskQueue('ingress');
  const apiKey = `key-${randomUUID()}`;
  const target = { taskQueue, namespace: temporal.namespace, webUiUrl: temporal.uiUrl };
  const app = createIngressApp({
    client: temporal.client,
    temporal: target,
    ingress: { apiKey, apiKeyHeader: 'x-api-key' },
    ...overrides,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    app,
    url,
    taskQueue,
    apiKey,
    target,
    post: (body, headers = {}) => {
      const merged: Record<string, string> = {};
      for (const [name, value] of Object.entries({
        'content-type': 'application/json',
        'x-api-key': apiKey,
        ...headers,
      })) {
        if (value !== undefined) merged[name] = value;
      }
      return fetch(`${url}/events`, {
        method: 'POST',
        headers: merged,
        // Bytes, not a string: fetch would add `Content-Type: text/plain` to a string body.
        body: new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body)),
      }).then(answer);
    },
    get: (path) => fetch(`${url}${path}`).then(answer),
    close: () => app.close(),
  };
}

/**
 * For a test file: connects to the run's server and starts one ingress before all tests, stops both
 * after. Read the fields inside tests (they are set in beforeAll).
 */
export function useTestIngress(): { temporal: TestTemporal; ingress: TestIngress } {
  const context = {} as { temporal: TestTemporal; ingress: TestIngress };
  beforeAll(async () => {
    context.temporal = await connectTestTemporal();
    context.ingress = await createTestIngress(context.temporal);
  });
  afterAll(async () => {
    await context.ingress?.close();
    await context.temporal?.close();
  });
  return context;
}

export async function runExists(client: Client, workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** Polls visibility (eventually consistent) until `query` counts `expected` runs, or times out. */
export async function waitForCount(client: Client, query: string, expected: number, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let count = -1;
  while (Date.now() < deadline) {
    count = (await client.workflow.count(query)).count;
    if (count === expected) return count;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return count;
}

/** Every error path in an ingress answer: single-event `errors` or per-item `results[].errors`. */
export function errorPathsOf(body: {
  errors?: { path: string }[];
  results?: { errors?: { path: string }[] }[];
}): string[] {
  return [
    ...(body.errors ?? []).map((e) => e.path),
    ...(body.results ?? []).flatMap((r) => (r.errors ?? []).map((e) => e.path)),
  ];
}
