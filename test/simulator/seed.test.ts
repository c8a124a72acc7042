/**
 * The seed other tests rely on: every id in SEED exists as documented, and re-issuing the sample
 * failure event's action (DescribeRule → TaskAction → StartTaskContact) fails exactly as the event
 * says until a valid flow id is supplied.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DescribeRuleCommand,
  ResourceNotFoundException,
  StartTaskContactCommand,
} from '@aws-sdk/client-connect';
import { defaultSeed, loadSeedFile, parseSeed, SEED, SeedError } from '../../simulator';
import { loadSampleEvent } from '../helpers/events';
import { expectSdkError, useSimulator } from './helpers';

const ctx = useSimulator();

test('every id in SEED is in seed.json where the constant says', () => {
  const [demo, other] = defaultSeed().instances;
  expect(demo?.Id).toBe(SEED.instanceId);
  expect(demo?.Queues.map((q) => q.Id)).toEqual([SEED.queues.basic, SEED.queues.escalations]);
  expect(demo?.ContactFlows.map((f) => [f.Id, f.QueueId])).toEqual([
    [SEED.contactFlows.taskTriage, SEED.queues.basic],
    [SEED.contactFlows.opsEscalation, SEED.queues.escalations],
  ]);
  const actionOf = (ruleId: string) => demo?.Rules.find((rule) => rule.RuleId === ruleId)?.Actions[0];
  expect(actionOf(SEED.rules.taskWithForeignFlow)?.TaskAction?.ContactFlowId).toBe(
    SEED.otherInstance.contactFlowId,
  );
  expect(actionOf(SEED.rules.followUpTask)?.TaskAction?.ContactFlowId).toBe(SEED.contactFlows.taskTriage);
  expect(actionOf(SEED.rules.churnRiskEvent)?.ActionType).toBe('GENERATE_EVENTBRIDGE_EVENT');
  expect(actionOf(SEED.rules.supervisorEmail)?.ActionType).toBe('SEND_NOTIFICATION');
  expect(other).toMatchObject({
    Id: SEED.otherInstance.instanceId,
    Queues: [{ Id: SEED.otherInstance.queueId }],
    ContactFlows: [{ Id: SEED.otherInstance.contactFlowId }],
  });
});

test('re-issuing the sample event’s CREATE_TASK fails as the event reports, until a valid flow is given', async () => {
  const event = loadSampleEvent();
  const instanceId = event.detail.instanceArn.split('/').pop()!;
  expect(instanceId).toBe(SEED.instanceId);

  const { Rule } = await ctx.aws.connect.send(
    new DescribeRuleCommand({ InstanceId: instanceId, RuleId: event.detail.ruleId }),
  );
  const task = Rule!.Actions!.find((action) => action.ActionType === event.detail.actionType)!.TaskAction!;
  const reissue = (ContactFlowId: string) =>
    ctx.aws.connect.send(
      new StartTaskContactCommand({
        InstanceId: instanceId,
        Name: task.Name,
        Description: task.Description,
        References: task.References,
        ContactFlowId,
        ClientToken: `remediate-${event.id}`,
      }),
    );

  const error = await expectSdkError(reissue(task.ContactFlowId!), ResourceNotFoundException, {
    status: 404,
    message: event.detail.error,
  });
  expect(error.name).toBe(event.detail.reasonCode);
  // The failure created nothing and did not burn the ClientToken.
  expect(await ctx.openTasks()).toBe(0);
  const { ContactId } = await reissue(SEED.contactFlows.taskTriage);
  expect((await ctx.sim.admin.task(ContactId!)).request).toMatchObject({
    Name: task.Name,
    ContactFlowId: SEED.contactFlows.taskTriage,
    ClientToken: `remediate-${event.id}`,
  });
});

test('a seed file is validated, naming each bad field', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-seed-'));
  try {
    const file = path.join(dir, 'seed.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ instances: [{ Id: 'i', Rules: [{ Name: 'r', Actions: 'none' }] }] }),
    );
    expect(() => loadSeedFile(file)).toThrow(SeedError);
    expect(() => loadSeedFile(file)).toThrow('instances.0.Rules.0.Actions: expected a list of rule actions');
    fs.writeFileSync(file, '{ not json');
    expect(() => loadSeedFile(file)).toThrow(`Cannot read simulator seed ${file}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const minimal = parseSeed({ instances: [{ Id: 'bare' }] });
  expect(minimal.instances[0]).toEqual({
    Id: 'bare',
    Queues: [{ Id: 'bare-basic-queue', Name: 'BasicQueue' }],
    ContactFlows: [],
    Rules: [],
  });
});
