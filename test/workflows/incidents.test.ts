/**
 * Incidents, not pages (issue 14's acceptance): 300 failures of one rule whose contact flow is
 * missing become ONE incident — one EventBridge notification when it opens, a few bounded updates,
 * no page per run — and one `incidents answer … retry --override contactFlowId=…` recovers all 300
 * runs, one task each, within AWS's rate limits. Real dev server, real worker, the simulator.
 */
import { SEED } from '../../simulator';
import { mapConcurrent } from '../../ingress/map-concurrent';
import {
  INCIDENT_WORKFLOW_TYPE,
  incidentStatusQuery,
  type IncidentStatus,
  type RemediationResult,
} from '../../workflows/definitions';
import { failuresOfRuleWithDeletedFlow } from '../helpers/broken-rule';
import { recordHistory } from '../helpers/histories';
import { runCli } from '../helpers/processes';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';
import {
  startRemediationStack,
  testSpeedPolicies,
  type RemediationStack,
} from '../helpers/remediation-stack';
import { eventually, waitForPhase } from '../helpers/wait';

const RUNS = 300;
const RATE = 20;
const BURST = 40;

let stack: RemediationStack;
let fallbackHook: WebhookReceiver;

beforeAll(async () => {
  fallbackHook = await startWebhookReceiver();
  stack = await startRemediationStack({
    name: 'incidents',
    // AWS-like limits in the simulator; the engine's budget is all of them (share 1).
    simulator: {
      rateLimits: {
        StartTaskContact: { rate: RATE, burst: BURST },
        DescribeRule: { rate: RATE, burst: BURST },
      },
      requestLogSize: 20_000,
    },
    policiesYaml: testSpeedPolicies({
      channels: { 'fallback-hook': { type: 'webhook', url: fallbackHook.url } },
      set: {
        'defaults.incident': { updateEvery: '2s', maxUpdates: 3 },
        'defaults.fallbackChannel': 'fallback-hook',
        'apiRateLimits.operations.StartTaskContact': RATE,
        'apiRateLimits.operations.DescribeRule': RATE,
      },
    }),
  });
});
afterAll(async () => {
  await stack.stop();
  await fallbackHook.close();
});

const incidents = (...args: string[]) => runCli(['incidents', ...args], stack.temporal);

test('300 failures of one rule with a missing flow: one incident, one page, one answer recovers every run', async () => {
  const admin = stack.simulator.admin;
  // The rule's flow was deleted: every run of the rule fails the same way.
  const {
    ruleId,
    events,
    incidentId: id,
  } = await failuresOfRuleWithDeletedFlow(admin, {
    name: 'follow-up with a deleted flow',
    count: RUNS,
    error: 'ContactFlowId provided does not belong to connect instance',
  });
  const handles = await mapConcurrent(events, 50, (event) => stack.start(event));

  const incident = stack.temporal.client.workflow.getHandle(id);
  const joined = await eventually(
    async () => {
      const status = await incident.query(incidentStatusQuery).catch(() => undefined);
      return status && status.runs === RUNS ? status : undefined;
    },
    'all 300 runs to join the incident',
    120_000,
  );
  expect(joined).toMatchObject({ state: 'open', runs: RUNS, policy: 'flow-misconfigured' });
  expect(joined.samples).toEqual(['ContactFlowId provided does not belong to connect instance']);

  // Exactly one incident for the cause.
  const found = await eventually(async () => {
    const ids: string[] = [];
    for await (const info of stack.temporal.client.workflow.list({
      query: `WorkflowType = '${INCIDENT_WORKFLOW_TYPE}' AND ConnectRuleId = '${ruleId}'`,
    }))
      ids.push(info.workflowId);
    return ids.length ? ids : undefined;
  }, 'the incident in visibility');
  expect(found).toEqual([id]);

  // Let an update or two go out, then count what the ops bus got: the opening, a few updates, no page per run.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  const opsEvents = (await admin.events('connect-ops')).map((e) => e.detail);
  const aboutIncident = opsEvents.filter((d) => d.workflowId === id);
  const perRun = opsEvents.filter((d) => handles.some((h) => h.workflowId === d.workflowId));
  expect(perRun).toHaveLength(0);
  expect(aboutIncident.length).toBeGreaterThanOrEqual(1);
  expect(aboutIncident.length).toBeLessThanOrEqual(4);
  expect(aboutIncident[0]).toMatchObject({
    escalationNumber: 1,
    reason: expect.stringMatching(/^Incident opened: \d+ run\(s\) failed/),
    incident: { incidentId: id, runsUrl: expect.stringContaining('RemediationIncident') },
    answer: expect.stringContaining(`incidents answer ${id}`),
  });

  const listed = await incidents('list', '--open');
  expect(listed.output).toMatch(
    new RegExp(`${id}\\s+open\\s+ResourceNotFoundException\\s+CREATE_TASK\\s+${ruleId}`),
  );

  // The flow is fixed (a new one), and one answer goes to every run.
  const flow = await admin.addContactFlow(SEED.instanceId, { Name: 'Follow-up flow, restored' });
  const answered = await incidents(
    'answer',
    id,
    'retry',
    '--override',
    `contactFlowId=${flow.Id}`,
    '--by',
    'ops',
  );
  expect(answered.code).toBe(0);
  expect(answered.output).toContain(`${id} accepted retry: sent to its ${RUNS} waiting run(s)`);

  const results = (await Promise.all(handles.map((h) => h.result()))) as RemediationResult[];
  expect(results.map((r) => r.outcome)).toEqual(events.map(() => 'recovered'));
  const { tasks } = await admin.state({ instanceId: SEED.instanceId });
  const perEvent = new Map<string, number>();
  for (const task of tasks) {
    const eventId = task.request.Attributes?.remediatedEventId;
    if (eventId) perEvent.set(eventId, (perEvent.get(eventId) ?? 0) + 1);
  }
  expect(events.map((e) => perEvent.get(e.id))).toEqual(events.map(() => 1));
  expect(
    tasks
      .filter((t) => events.some((e) => e.id === t.request.Attributes?.remediatedEventId))
      .map((t) => t.request.ContactFlowId),
  ).toEqual(events.map(() => flow.Id));

  // Within AWS's limits: no second above rate + burst, and AWS never throttled the engine.
  const perSecond = await admin.requestsPerSecond('StartTaskContact');
  expect(Math.max(...perSecond.map((s) => s.total))).toBeLessThanOrEqual(RATE + BURST);
  const counts = (await admin.state({ tasks: 'none' })).requestCounts;
  expect(counts.StartTaskContact?.errors.ThrottlingException ?? 0).toBe(0);

  console.log(
    `incident ${id}: ${RUNS} runs, ${aboutIncident.length} notification(s) on the ops bus, 0 per run; ` +
      `StartTaskContact busiest second ${Math.max(...perSecond.map((s) => s.total))} (limit ${RATE}/s, burst ${BURST})`,
  );
  await recordHistory('incident-member-recovered-by-incident-answer', handles[0]!);
  await recordHistory('incident-of-300-runs-answered', incident);
  const shown = await incidents('show', id, '--json');
  const status = JSON.parse(shown.output) as IncidentStatus;
  expect(status).toMatchObject({ runs: RUNS, answered: RUNS, answer: { action: 'retry', by: 'ops' } });
}, 300_000);

test('an incident whose channels all fail for good tells the fallback channel and says so; its runs still wait', async () => {
  const admin = stack.simulator.admin;
  const { events, incidentId: id } = await failuresOfRuleWithDeletedFlow(admin, {
    name: 'another deleted flow',
    count: 3,
    error: 'flow gone',
  });
  // The ops bus refuses the incident's opening notification (AccessDenied: a configuration error).
  await admin.injectFaults({
    errors: [{ operation: 'PutEvents', error: 'AccessDeniedException', count: 1 }],
  });
  const handles = await Promise.all(events.map((event) => stack.start(event)));
  const incident = stack.temporal.client.workflow.getHandle(id);
  await eventually(async () => {
    // Not found until the first run has joined (and so started) it.
    const description = await incident.describe().catch(() => undefined);
    return description?.searchAttributes.RemediationEscalationDelivery?.[0] === 'fallback' || undefined;
  }, 'the incident to be marked as told through its fallback');
  const told = fallbackHook.received.filter((r) => r.body.workflowId === id);
  expect(told).toHaveLength(1);
  expect(told[0]!.body).toMatchObject({ incident: { incidentId: id } });
  for (const handle of handles) await waitForPhase(handle, 'awaiting-operator');
  await incidents('answer', id, 'resolve', '--note', 'handled');
  const results = (await Promise.all(handles.map((h) => h.result()))) as RemediationResult[];
  expect(results.map((r) => r.outcome)).toEqual(['resolved', 'resolved', 'resolved']);
}, 120_000);
