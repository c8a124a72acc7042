/**
 * `connect-remediator simulator` as a user runs it: it prints its endpoint and the environment lines
 * for the engine, serves the real SDK clients and the admin API, and exits 0 on SIGTERM.
 */
import { StartTaskContactCommand } from '@aws-sdk/client-connect';
import { SEED } from '../../simulator';
import { freePort } from '../../dev/temporal-dev-server';
import { spawnCli, type CliProcess } from '../helpers/processes';
import { sdkClients } from '../simulator/helpers';

let running: CliProcess | undefined;

afterAll(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
});

test('starts standalone, prints its endpoint, serves SDK calls and stops cleanly on SIGTERM', async () => {
  const port = await freePort();
  running = spawnCli(['simulator', '--port', String(port)]);
  const endpoint = `http://127.0.0.1:${port}`;
  await running.waitFor(/State: /, 60_000);
  expect(running.output()).toContain(`Simulator listening on ${endpoint}\n`);
  expect(running.output()).toContain(`CONNECT_ENDPOINT=${endpoint} EVENTBRIDGE_ENDPOINT=${endpoint}\n`);

  const { connect } = sdkClients(endpoint);
  const { ContactId } = await connect.send(
    new StartTaskContactCommand({
      InstanceId: SEED.instanceId,
      Name: 'From the CLI test',
      ContactFlowId: SEED.contactFlows.taskTriage,
    }),
  );
  connect.destroy();
  // AWS's rate limits are on by default here too.
  const config = (await (await fetch(`${endpoint}/_sim/config`)).json()) as {
    rateLimits: Record<string, unknown>;
  };
  expect(config.rateLimits.StartTaskContact).toEqual({ rate: 2, burst: 5 });
  const task = (await (await fetch(`${endpoint}/_sim/tasks/${ContactId}`)).json()) as { status: string };
  expect(task.status).toBe('OPEN');
  await running.waitFor(/StartTaskContact 200 ok/);

  running.child.kill('SIGTERM');
  const { code } = await running.exited;
  expect(code).toBe(0);
  await expect(fetch(`${endpoint}/_sim/state`)).rejects.toThrow();
});

test('refuses a port that is not a number', async () => {
  const cli = spawnCli(['simulator', '--port', 'eighty']);
  const { code } = await cli.exited;
  expect(code).not.toBe(0);
  expect(cli.output()).toContain('expected a TCP port 0..65535, got "eighty"');
});
