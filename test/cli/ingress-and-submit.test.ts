/**
 * `connect-remediator submit` and `connect-remediator ingress`, run as a user would (a child
 * process) against the run's Temporal dev server, each on a private task queue.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../dev/temporal-dev-server';
import { remediationWorkflowId } from '../../workflows/definitions';
import { failureEvent } from '../helpers/events';
import { spawnCli, type CliProcess } from '../helpers/processes';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';
import { runExists } from '../ingress/harness';

jest.setTimeout(120_000);

let temporal: TestTemporal;
let dir: string;
const running: CliProcess[] = [];

beforeAll(async () => {
  temporal = await connectTestTemporal();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-submit-'));
});

afterAll(async () => {
  for (const cli of running) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  await temporal.close();
});

function temporalEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue('cli'),
    TEMPORAL_WEB_UI_URL: 'http://ui.example',
    INGRESS_API_KEY: '',
    ...overrides,
  };
}

function cli(args: string[], env: NodeJS.ProcessEnv, stdin?: string): CliProcess {
  const spawned = spawnCli(args, env);
  running.push(spawned);
  if (stdin !== undefined) spawned.child.stdin.end(stdin);
  return spawned;
}

function writeJson(name: string, value: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

describe('submit', () => {
  test('one event from a file: started with its Web UI link; submitted again, duplicate', async () => {
    const event = failureEvent();
    const workflowId = remediationWorkflowId(event.id);
    const file = writeJson('one.json', event);
    const env = temporalEnv();

    const first = cli(['submit', file], env);
    expect((await first.exited).code).toBe(0);
    expect(first.output()).toContain(
      `started   ${workflowId}  http://ui.example/namespaces/default/workflows/${workflowId}`,
    );
    expect(await runExists(temporal.client, workflowId)).toBe(true);

    const again = cli(['submit', file], env);
    expect((await again.exited).code).toBe(0);
    expect(again.output()).toContain(`duplicate ${workflowId}`);
  });

  test('an array on stdin: valid events start, an invalid one is named by field and exits 1', async () => {
    const good = failureEvent();
    const bad = failureEvent({ instanceArn: 'arn:aws:s3:::bucket' });
    const submit = cli(['submit', '-'], temporalEnv(), JSON.stringify([good, bad]));
    expect((await submit.exited).code).toBe(1);
    expect(submit.output()).toContain(`started   ${remediationWorkflowId(good.id)}`);
    expect(submit.output()).toMatch(
      /rejected {2}item 1:\n {10}\$\.detail\.instanceArn: expected an Amazon Connect instance ARN/,
    );
    expect(await runExists(temporal.client, remediationWorkflowId(bad.id))).toBe(false);
  });

  test('--json prints the per-event results', async () => {
    const event = failureEvent();
    const submit = cli(['submit', '--json', writeJson('json.json', [event])], temporalEnv());
    expect((await submit.exited).code).toBe(0);
    expect(JSON.parse(submit.output())).toEqual([
      expect.objectContaining({ index: 0, status: 'started', workflowId: remediationWorkflowId(event.id) }),
    ]);
  });

  test('invalid events are reported without needing Temporal at all', async () => {
    const env = temporalEnv({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
    const submit = cli(['submit', writeJson('bad.json', { ...failureEvent(), account: '1' })], env);
    expect((await submit.exited).code).toBe(1);
    expect(submit.output()).toContain('$.account: expected a 12-digit AWS account id; found "1"');
    expect(submit.output()).not.toMatch(/cannot reach Temporal/);
  });

  test('a valid event with Temporal unreachable fails naming the address', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const submit = cli(
      ['submit', writeJson('unreachable.json', failureEvent())],
      temporalEnv({ TEMPORAL_ADDRESS: address }),
    );
    expect((await submit.exited).code).toBe(1);
    expect(submit.output()).toContain(`cannot reach Temporal at ${address}`);
  });

  test('a file that is not JSON exits 1 saying so', async () => {
    const submit = cli(['submit', writeJson('text.json', 'hello')], temporalEnv());
    expect((await submit.exited).code).toBe(1);
    expect(submit.output()).toMatch(/text\.json is not JSON/);
  });
});

describe('ingress', () => {
  test('on loopback without INGRESS_API_KEY it warns, serves POST /events, and stops on SIGTERM', async () => {
    const port = await freePort();
    const ingress = cli(['ingress'], temporalEnv({ INGRESS_HOST: '127.0.0.1', INGRESS_PORT: String(port) }));
    await ingress.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(ingress.output()).toMatch(/INGRESS_API_KEY is not set/);

    const event = failureEvent();
    const response = await fetch(`http://127.0.0.1:${port}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(response.status).toBe(202);
    expect(await runExists(temporal.client, remediationWorkflowId(event.id))).toBe(true);

    ingress.child.kill('SIGTERM');
    expect((await ingress.exited).code).toBe(0);
  });

  test('with INGRESS_API_KEY set, requests need the key', async () => {
    const port = await freePort();
    const env = temporalEnv({ INGRESS_PORT: String(port), INGRESS_API_KEY: 's3cret-value' });
    const ingress = cli(['ingress'], env);
    await ingress.waitFor(/listening on/);
    const post = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${port}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(failureEvent()),
      });
    expect((await post({})).status).toBe(401);
    expect((await post({ 'x-api-key': 's3cret-value' })).status).toBe(202);
    // The key never appears in what the process prints.
    expect(ingress.output()).not.toContain('s3cret-value');
    ingress.child.kill('SIGTERM');
    expect((await ingress.exited).code).toBe(0);
  });

  test('on a non-loopback address without INGRESS_API_KEY it refuses to start, naming the variable', async () => {
    const env = temporalEnv({ INGRESS_HOST: '0.0.0.0', INGRESS_PORT: String(await freePort()) });
    const ingress = cli(['ingress'], env);
    expect((await ingress.exited).code).toBe(1);
    expect(ingress.output()).toMatch(
      /INGRESS_API_KEY is not set, and the ingress would listen on 0\.0\.0\.0/,
    );
  });
});
