/**
 * The pure parts of `runs list | show | signal`: filters → visibility query, option validation, and
 * the formatters whose output operators read during an incident.
 */
import type { AttemptRecord } from '../../workflows/definitions';
import {
  formatRunsFooter,
  formatRunsTable,
  formatRunStory,
  formatSignalSent,
  parseAction,
  parseOverrides,
  parsePhase,
  parseReason,
  parseSince,
  runsQuery,
  type RunRow,
  type RunStory,
} from '../../cli/runs';
import { formatTable } from '../../cli/runs/format-table';
import { formatAge, formatTimestamp } from '../../cli/runs/format-time';

const NOW = new Date('2026-11-27T12:00:00Z');

describe('runs list filters', () => {
  test('no filters: every remediation run', () => {
    expect(runsQuery({}, NOW)).toBe(`WorkflowType = 'remediateFailedAction'`);
  });

  test('phase, reason and since become clauses on the search attributes and StartTime', () => {
    expect(
      runsQuery({ phase: 'escalated', reason: 'ResourceNotFoundException', sinceMs: parseSince('1h') }, NOW),
    ).toBe(
      `WorkflowType = 'remediateFailedAction' AND RemediationPhase = "escalated"` +
        ` AND ConnectReasonCode = "ResourceNotFoundException" AND StartTime >= "2026-11-27T11:00:00.000Z"`,
    );
  });

  test('--phase accepts exactly the contract phases', () => {
    expect(parsePhase('awaiting-operator')).toBe('awaiting-operator');
    expect(() => parsePhase('stuck')).toThrow(
      'expected one of received, retrying, waiting-capacity, escalated, awaiting-operator, recovered, resolved, abandoned; got "stuck"',
    );
  });

  test('--since takes a duration with a unit', () => {
    expect(parseSince('90m')).toBe(90 * 60_000);
    expect(parseSince('7d')).toBe(7 * 86_400_000);
    for (const bad of ['1', 'an hour', '0s', '-1h'])
      expect(() => parseSince(bad)).toThrow(
        `expected a duration such as "500ms", "10s", "5m", "2h" or "7d"; got "${bad}"`,
      );
  });

  test('--reason must look like an error code, so it cannot change the query', () => {
    expect(parseReason('ThrottlingException')).toBe('ThrottlingException');
    expect(() => parseReason('x" OR WorkflowType != "')).toThrow(
      'expected a reason code such as ResourceNotFoundException',
    );
    expect(() => runsQuery({ reason: 'a"b' }, NOW)).toThrow(/got "a"b"/);
  });
});

describe('runs list table', () => {
  const row = (overrides: Partial<RunRow>): RunRow => ({
    workflowId: 'remediate-1',
    runId: 'r1',
    attempts: 0,
    status: 'RUNNING',
    startedAt: '2026-11-27T11:58:30Z',
    ...overrides,
  });

  test('columns: id, reason, action, phase, attempts, age; aligned, no trailing blanks', () => {
    const lines = formatRunsTable(
      [
        row({ reason: 'ResourceNotFoundException', action: 'CREATE_TASK', phase: 'awaiting-operator' }),
        row({
          workflowId: 'remediate-22',
          reason: 'ThrottlingException',
          action: 'GENERATE_EVENTBRIDGE_EVENT',
          phase: 'recovered',
          attempts: 3,
          status: 'COMPLETED',
          startedAt: '2026-11-25T09:30:00Z',
        }),
      ],
      NOW,
    );
    expect(lines).toEqual([
      'WORKFLOW ID   REASON                     ACTION                      PHASE              ATTEMPTS  AGE',
      'remediate-1   ResourceNotFoundException  CREATE_TASK                 awaiting-operator  0         1m 30s',
      'remediate-22  ThrottlingException        GENERATE_EVENTBRIDGE_EVENT  recovered          3         2d 2h',
    ]);
  });

  test('a run that ended abnormally says so next to its last phase; missing attributes show as -', () => {
    const [, line] = formatRunsTable([row({ phase: 'retrying', status: 'TERMINATED' })], NOW);
    expect(line).toBe('remediate-1  -       -       retrying (terminated)  0         1m 30s');
  });

  test('nothing found is said in words', () => {
    expect(formatRunsTable([], NOW)).toEqual(['no remediation runs match']);
    expect(formatRunsFooter([], 50)).toBeUndefined();
  });

  test('the footer counts the runs and points at --limit when it was reached', () => {
    const rows = [row({ startedAt: '2026-11-27T11:00:00Z' }), row({ startedAt: '2026-11-26T10:00:00Z' })];
    expect(formatRunsFooter(rows, 50)).toBe('2 run(s), oldest started 2026-11-26 10:00:00Z');
    expect(formatRunsFooter(rows, 2)).toBe(
      '2 run(s), oldest started 2026-11-26 10:00:00Z (limit 2; use --limit for more)',
    );
  });

  test('formatTable pads every column to its widest cell', () => {
    expect(
      formatTable(
        ['A', 'BB'],
        [
          ['xxx', 'y'],
          ['z', ''],
        ],
      ),
    ).toEqual(['A    BB', 'xxx  y', 'z']);
  });
});

describe('times', () => {
  test('timestamps are UTC to the second', () => {
    expect(formatTimestamp('2026-11-27T10:04:05.678Z')).toBe('2026-11-27 10:04:05Z');
    expect(formatTimestamp(new Date('2026-11-27T10:04:05+02:00'))).toBe('2026-11-27 08:04:05Z');
  });

  test('ages keep the two largest units', () => {
    expect(formatAge(400)).toBe('0s');
    expect(formatAge(45_400)).toBe('45s');
    expect(formatAge(12 * 60_000 + 5_000)).toBe('12m 5s');
    expect(formatAge(3 * 3_600_000 + 2 * 60_000 + 7_000)).toBe('3h 2m');
    expect(formatAge(2 * 86_400_000 + 4 * 3_600_000 + 59_000)).toBe('2d 4h');
  });
});

describe('runs show timeline', () => {
  const attempt = (n: number, overrides: Partial<AttemptRecord>): AttemptRecord => ({
    attempt: n,
    trigger: 'policy',
    delayMs: 200,
    startedAt: `2026-11-27T10:00:0${n}.000Z`,
    finishedAt: `2026-11-27T10:00:0${n}.050Z`,
    ok: false,
    ...overrides,
  });

  const base: RunStory = {
    workflowId: 'remediate-abc',
    runId: 'run-1',
    taskQueue: 'connect-remediation',
    status: 'COMPLETED',
    startedAt: '2026-11-27T10:00:00.000Z',
    closedAt: '2026-11-27T10:00:09.000Z',
    received: {
      summary: 'CREATE_TASK failed: ThrottlingException — Rate exceeded',
      reason: 'ThrottlingException',
      action: 'CREATE_TASK',
      trigger: 'THIRD_PARTY',
      ruleId: 'rule-1',
      instanceId: 'inst-1',
    },
    phase: 'recovered',
    policy: { name: 'transient', setHash: 'abc123', strategy: 'retry' },
    attempts: [],
    escalations: [],
    webUiUrl: 'http://localhost:8233/namespaces/default/workflows/remediate-abc',
  };

  test('a recovered run: each attempt with its delay, duration, error or result, and notes', () => {
    const story: RunStory = {
      ...base,
      attempts: [
        attempt(1, {
          delayMs: 2000,
          error: {
            name: 'InternalServiceException',
            message: 'Request processing failed',
            retryAfterMs: 1500,
          },
        }),
        attempt(2, {
          delayMs: 4100,
          error: { name: 'TimeoutError', message: 'socket hang up', transport: true },
        }),
        attempt(3, { delayMs: 8000, ok: true, resultId: 'contact-9', notes: ['Task name passed as is'] }),
      ],
      outcome: 'recovered',
      summary: 'Recovered on attempt 3: task contact-9',
    };
    expect(formatRunStory(story)).toEqual([
      'remediate-abc  completed, outcome recovered',
      'Web UI: http://localhost:8233/namespaces/default/workflows/remediate-abc',
      '',
      '2026-11-27 10:00:00Z  received    CREATE_TASK failed: ThrottlingException — Rate exceeded',
      '                                  rule rule-1, instance inst-1, trigger THIRD_PARTY',
      '                      policy      transient → retry (policy set abc123)',
      '2026-11-27 10:00:01Z  attempt 1   after 2s backoff, failed in 50ms: InternalServiceException: Request processing failed (retry after 1.5s)',
      '2026-11-27 10:00:02Z  attempt 2   after 4.1s backoff, failed in 50ms: TimeoutError: socket hang up (no answer from AWS)',
      '2026-11-27 10:00:03Z  attempt 3   after 8s backoff, ok in 50ms → task contact-9',
      '                                  note: Task name passed as is',
      '2026-11-27 10:00:09Z  outcome     recovered — Recovered on attempt 3: task contact-9',
    ]);
  });

  test('escalations with each channel, an operator retry and the decision appear in time order', () => {
    const story: RunStory = {
      ...base,
      received: { ...base.received, action: 'GENERATE_EVENTBRIDGE_EVENT' },
      escalations: [
        {
          at: '2026-11-27T10:00:02.000Z',
          reason: 'Gave up after 1 retries',
          channels: [
            { name: 'ops-bus', type: 'eventbridge', ok: true, detail: 'event e-1 on bus connect-ops' },
            { name: 'on-call', type: 'webhook', ok: false, detail: 'cancelled: an operator answered first' },
          ],
        },
        { at: '2026-11-27T10:00:06.000Z', reason: 'Operator retry failed', channels: [] },
      ],
      attempts: [
        attempt(1, { error: { name: 'ThrottlingException', message: 'Rate exceeded' } }),
        // Same workflow time as the decision that caused it.
        attempt(4, { trigger: 'operator', delayMs: 0, ok: true, resultId: 'evt-2' }),
      ],
      decision: {
        action: 'retry',
        at: '2026-11-27T10:00:04.000Z',
        by: 'alice',
        note: 'bus fixed',
        overrides: { eventBusName: 'ops' },
      },
      outcome: 'recovered',
      summary: 'Recovered on attempt 2: event evt-2',
    };
    const lines = formatRunStory(story).slice(6);
    expect(lines).toEqual([
      '2026-11-27 10:00:01Z  attempt 1   after 200ms backoff, failed in 50ms: ThrottlingException: Rate exceeded',
      '2026-11-27 10:00:02Z  escalated 1 Gave up after 1 retries',
      '                                  delivered via ops-bus (eventbridge): event e-1 on bus connect-ops',
      '                                  not delivered via on-call (webhook): cancelled: an operator answered first',
      '2026-11-27 10:00:04Z  decision    retry by alice: bus fixed',
      '                                  override eventBusName=ops',
      '2026-11-27 10:00:04Z  attempt 4   operator retry, ok in 50ms → event evt-2',
      '2026-11-27 10:00:06Z  escalated 2 Operator retry failed',
      '                                  no channels configured: nobody was notified',
      '2026-11-27 10:00:09Z  outcome     recovered — Recovered on attempt 2: event evt-2',
    ]);
  });

  test('a running run ends with what it is doing now', () => {
    const running = { ...base, status: 'RUNNING', closedAt: undefined, phase: 'retrying' };
    const retrying = formatRunStory({
      ...running,
      live: {
        phase: 'retrying',
        attempt: 1,
        nextAttemptAt: '2026-11-27T10:05:00.000Z',
        lastError: { name: 'ThrottlingException', message: 'Rate exceeded' },
      },
    });
    expect(retrying[0]).toBe('remediate-abc  running, phase retrying');
    expect(retrying.slice(-2)).toEqual([
      '                      now         retrying: attempt 2 at 2026-11-27 10:05:00Z',
      '                                  last error ThrottlingException: Rate exceeded',
    ]);
    const waiting = formatRunStory({
      ...running,
      live: {
        phase: 'waiting-capacity',
        attempt: 0,
        capacity: { waitingAtInstance: 42, waitingSince: '2026-11-27T10:00:01Z' },
      },
    });
    expect(waiting.at(-1)).toBe(
      '                      now         waiting for task capacity since 2026-11-27 10:00:01Z (about 42 waiting at the instance)',
    );
  });

  test('what could not be learned is said in a note', () => {
    const lines = formatRunStory({
      ...base,
      status: 'TERMINATED',
      policy: undefined,
      problem: 'the run ended terminated without a result: Workflow execution terminated',
    });
    expect(lines[0]).toBe('remediate-abc  terminated, last phase recovered');
    expect(lines.slice(-2)).toEqual([
      '',
      'note: the run ended terminated without a result: Workflow execution terminated',
    ]);
    expect(lines.join('\n')).not.toContain('policy ');
  });
});

describe('runs signal', () => {
  test('actions are exactly retry, resolve and abandon', () => {
    expect(parseAction('resolve')).toBe('resolve');
    expect(() => parseAction('close')).toThrow('expected one of retry, resolve, abandon; got "close"');
  });

  test('overrides: known keys (incl. attribute.<name>, reference.<name>) pass; values may contain =', () => {
    expect(
      parseOverrides(['contactFlowId=abc', 'attribute.team=ops', 'reference.Runbook=https://x/?a=b']),
    ).toEqual({ contactFlowId: 'abc', 'attribute.team': 'ops', 'reference.Runbook': 'https://x/?a=b' });
    expect(parseOverrides([])).toEqual({});
  });

  test('overrides: unknown keys, missing "=" and repeated keys are refused by name', () => {
    expect(() => parseOverrides(['flow=abc', 'attribute.=x'])).toThrow(
      'unknown override key(s) "flow", "attribute.": expected one of contactFlowId, name, description, eventBusName, source, detailType, attribute.<name>, reference.<name>',
    );
    expect(() => parseOverrides(['=abc'])).toThrow('--override "=abc": expected key=value');
    expect(() => parseOverrides(['name=a', 'name=b'])).toThrow('--override name is given twice');
  });

  test('overrides: a key every object inherits is an unknown key, not "given twice"', () => {
    for (const key of ['constructor', 'toString', '__proto__']) {
      expect(() => parseOverrides([`${key}=x`])).toThrow(
        `unknown override key(s) "${key}": expected one of contactFlowId`,
      );
    }
    expect(() => parseOverrides(['attribute.constructor=x'])).toThrow(
      'unknown override key(s) "attribute.constructor"',
    );
  });

  test("overrides: values are checked by the run's schema, naming the option", () => {
    expect(() => parseOverrides(['contactFlowId='])).toThrow(
      '--override contactFlowId: expected a contact flow id: a string of 1 to 500 characters, got ""',
    );
    expect(() => parseOverrides([`attribute.team=${'x'.repeat(1025)}`])).toThrow(
      '--override attribute.team: expected an attribute value: a string of at most 1024 characters, got 1025 characters',
    );
  });

  test('what the run accepted and did is printed back', () => {
    expect(
      formatSignalSent(
        {
          workflowId: 'remediate-abc',
          action: 'retry',
          phase: 'awaiting-operator',
          decision: { by: 'alice', overrides: { contactFlowId: 'f-2' } },
          receipt: {
            action: 'retry',
            phase: 'awaiting-operator',
            effect: 're-issuing now (attempt 2, with contactFlowId)',
          },
        },
        'http://ui/wf',
      ),
    ).toEqual([
      'remediate-abc accepted retry (phase was awaiting-operator)',
      '  did:      re-issuing now (attempt 2, with contactFlowId)',
      '  by:       alice',
      '  note:     -',
      '  override: contactFlowId=f-2',
      '  follow:   connect-remediator runs show remediate-abc',
      '  Web UI:   http://ui/wf',
    ]);
  });

  test('accepted but not yet acted on says so', () => {
    const sent = { workflowId: 'remediate-abc', action: 'abandon' as const, decision: {} };
    expect(formatSignalSent(sent, 'u')[0]).toBe('remediate-abc accepted abandon');
    expect(formatSignalSent(sent, 'u')[1]).toMatch(/not yet: it acts at its next step/);
  });
});
