/**
 * AWS allows 4,096 UTF-8 bytes of references per contact. The engine adds its own "Remediation
 * run" link to every re-issued task; when the rule's references leave no room for it, the task
 * is still created — without the link, and the attempt says so.
 */
import { randomUUID } from 'node:crypto';
import { REFERENCES_MAX_BYTES, RUN_REFERENCE } from '../../activities/reissue';
import { SEED } from '../../simulator';
import { failureEvent } from '../helpers/events';
import { startRemediationStack, type RemediationStack } from '../helpers/remediation-stack';

let stack: RemediationStack;

beforeAll(async () => {
  stack = await startRemediationStack({ name: 'reissue-references' });
});
afterAll(() => stack.stop());

/** References of exactly `bytes` UTF-8 bytes (keys and values), in 1,000-byte pieces. */
function referencesOf(bytes: number): Record<string, { Type: 'STRING'; Value: string }> {
  const references: Record<string, { Type: 'STRING'; Value: string }> = {};
  for (let i = 0; bytes > 0; i += 1) {
    const key = `note-${i}`;
    const piece = Math.min(1000, bytes);
    references[key] = { Type: 'STRING', Value: 'é'.repeat((piece - key.length) / 2) };
    bytes -= piece;
  }
  return references;
}

async function reissueWithRule(references: Record<string, { Type: 'STRING'; Value: string }>) {
  const ruleId = randomUUID();
  await stack.simulator.admin.addRule(SEED.instanceId, {
    RuleId: ruleId,
    Name: 'task with many references',
    Actions: [
      {
        ActionType: 'CREATE_TASK',
        TaskAction: {
          Name: 'Follow up',
          ContactFlowId: SEED.contactFlows.taskTriage,
          References: references,
        },
      },
    ],
  });
  const handle = await stack.start(
    failureEvent({ ruleId, reasonCode: 'ThrottlingException', error: 'Rate exceeded' }),
  );
  const result = await stack.result(handle);
  expect(result.outcome).toBe('recovered');
  const attempt = result.attempts.at(-1)!;
  const task = await stack.simulator.admin.task(attempt.resultId!);
  return { attempt, task };
}

test('a rule task with 4,000 bytes of references is created without the run link, and the attempt says why', async () => {
  const references = referencesOf(4000);
  const { attempt, task } = await reissueWithRule(references);

  expect(task.request.References).toEqual(references);
  expect(task.request.References).not.toHaveProperty([RUN_REFERENCE]);
  expect(attempt.notes).toEqual([
    expect.stringMatching(
      new RegExp(
        `^"${RUN_REFERENCE}" reference left out: .* 4000 of the ${REFERENCES_MAX_BYTES} UTF-8 bytes`,
      ),
    ),
  ]);
});

test('a rule task with room left keeps the run link and needs no note', async () => {
  const { attempt, task } = await reissueWithRule(referencesOf(2000));

  expect(task.request.References?.[RUN_REFERENCE]).toMatchObject({ Type: 'URL' });
  expect(attempt.notes).toBeUndefined();
});
