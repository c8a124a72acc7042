/**
 * `connect-remediator dev` (what `npm start` runs), exercised as a user would: it starts a real dev
 * server with the Web UI and a polling worker, stops every process on SIGTERM, and keeps runs in
 * its SQLite file across restarts. Private ports and data dir, so it never collides with the
 * suite's server or a developer's `npm start`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '../helpers/wait';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DEFAULT_TASK_QUEUE } from '../../worker/config';
import { freePort } from '../../dev/temporal-dev-server';
import { REMEDIATION_WORKFLOW_TYPE, remediationWorkflowId } from '../../workflows/definitions';
import { failureEvent } from '../helpers/events';
import { processesMentioning, spawnCli, type CliProcess } from '../helpers/processes';

jest.setTimeout(240_000);

let dataDir: string;
let running: CliProcess | undefined;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-dev-'));
});
afterAll(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function startDev(temporalPort: number, uiPort: number): Promise<CliProcess> {
  running = spawnCli(['dev', '--temporal-port', String(temporalPort), '--ui-port', String(uiPort)], {
    CONNECT_REMEDIATOR_DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: '',
    SIMULATOR_PORT: String(await freePort()),
    INGRESS_PORT: String(await freePort()),
  });
  await running.waitFor(/Ready\. Press Ctrl-C to stop\./);
  return running;
}

async function stopDev(dev: CliProcess): Promise<void> {
  dev.child.kill('SIGTERM');
  const { code } = await dev.exited;
  expect(code).toBe(0);
  // Nothing it started may outlive it (the temporal server's command line names our data dir).
  expect(processesMentioning(dataDir)).toEqual([]);
}

test('dev serves the Web UI and a polling worker, stops cleanly, and keeps runs across restarts', async () => {
  const temporalPort = await freePort();
  const uiPort = await freePort();
  const dev = await startDev(temporalPort, uiPort);
  expect(dev.output()).toContain(`Temporal Web UI: http://localhost:${uiPort}`);
  expect((await fetch(`http://127.0.0.1:${uiPort}/`)).status).toBe(200);

  const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
  const client = new Client({ connection });
  // The worker's first poll reaches the server a moment after it starts.
  await eventually(async () => {
    const queue = await connection.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: DEFAULT_TASK_QUEUE },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    return (queue.pollers?.length ?? 0) > 0;
  }, 'a worker polling the remediation task queue');

  const event = failureEvent();
  const workflowId = remediationWorkflowId(event.id);
  await client.workflow.start(REMEDIATION_WORKFLOW_TYPE, {
    taskQueue: DEFAULT_TASK_QUEUE,
    workflowId,
    args: [{ event, receivedVia: 'test' }],
  });
  await connection.close();
  await stopDev(dev);

  const again = await startDev(temporalPort, uiPort);
  const reconnection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
  const description = await new Client({ connection: reconnection }).workflow
    .getHandle(workflowId)
    .describe();
  expect(description.workflowId).toBe(workflowId);
  expect(description.status.name).toBe('RUNNING');
  await reconnection.close();
  await stopDev(again);
});

test('when the worker cannot start, dev exits with the reason and leaves no Temporal server behind', async () => {
  const broken = path.join(dataDir, 'broken-policies.yaml');
  fs.writeFileSync(broken, 'version: 1\npolicies: [\n');
  const dev = spawnCli(
    ['dev', '--temporal-port', String(await freePort()), '--ui-port', String(await freePort())],
    {
      CONNECT_REMEDIATOR_DATA_DIR: dataDir,
      TEMPORAL_ADDRESS: '',
      SIMULATOR_PORT: String(await freePort()),
      INGRESS_PORT: String(await freePort()),
      POLICIES_FILE: broken,
    },
  );
  const { code } = await dev.exited;
  expect(code).toBe(1);
  expect(dev.output()).toMatch(/broken-policies\.yaml:\d+:\d+/);
  expect(dev.output()).toMatch(/stopped Temporal dev server/);
  expect(processesMentioning(dataDir)).toEqual([]);
});
