/**
 * The timeline `runs show` prints: what was received, the policy, every attempt with its delay and
 * result, every escalation with each channel's delivery, the operator's decision and the outcome —
 * in the order they happened — then what a running run is doing now.
 */
import type { AttemptRecord, EscalationRecord, ErrorSummary } from '../../workflows/definitions';
import { formatDelay, formatTimestamp } from './format-time';
import type { LiveStatus, RunStory } from './story';

interface Entry {
  at?: string;
  label: string;
  lines: string[];
}

const TIME_WIDTH = formatTimestamp(new Date(0)).length;
const LABEL_WIDTH = 11;
const INDENT = ' '.repeat(TIME_WIDTH + 2 + LABEL_WIDTH + 1);

export function formatRunStory(story: RunStory): string[] {
  const state =
    story.status === 'RUNNING'
      ? `running, phase ${story.live?.phase ?? story.phase ?? 'unknown'}`
      : closedState(story);
  // Workflow time stands still within one activation, so a decision and the attempt it causes can
  // share a timestamp: causes go first.
  const timeline: Entry[] = [
    ...(story.decision ? [decisionEntry(story.decision)] : []),
    ...story.attempts.map((a) => attemptEntry(a, story.received.action)),
    ...story.escalations.map((e, i) => escalationEntry(e, i, story.escalations.length)),
  ].sort((a, b) => Date.parse(a.at!) - Date.parse(b.at!));

  const entries: Entry[] = [
    receivedEntry(story),
    ...(story.policy ? [policyEntry(story.policy)] : []),
    ...timeline,
  ];
  if (story.outcome)
    entries.push({
      at: story.closedAt,
      label: 'outcome',
      lines: [`${story.outcome} — ${story.summary ?? ''}`],
    });
  if (story.live) entries.push({ label: 'now', lines: liveLines(story.live) });

  return [
    `${story.workflowId}  ${state}`,
    `Web UI: ${story.webUiUrl}`,
    '',
    ...entries.flatMap(renderEntry),
    ...(story.problem ? ['', `note: ${story.problem}`] : []),
  ];
}

function closedState(story: RunStory): string {
  const status = story.status.toLowerCase();
  return story.outcome
    ? `${status}, outcome ${story.outcome}`
    : `${status}, last phase ${story.phase ?? 'unknown'}`;
}

function renderEntry(entry: Entry): string[] {
  const time = (entry.at ? formatTimestamp(entry.at) : '').padEnd(TIME_WIDTH);
  const [first = '', ...rest] = entry.lines;
  return [
    `${time}  ${entry.label.padEnd(LABEL_WIDTH)} ${first}`.trimEnd(),
    ...rest.map((line) => `${INDENT}${line}`),
  ];
}

function receivedEntry(story: RunStory): Entry {
  const { received } = story;
  const facts = [
    received.ruleId && `rule ${received.ruleId}`,
    received.instanceId && `instance ${received.instanceId}`,
    received.trigger && `trigger ${received.trigger}`,
  ].filter(Boolean);
  return {
    at: story.startedAt,
    label: 'received',
    lines: [received.summary, ...(facts.length ? [facts.join(', ')] : [])],
  };
}

function policyEntry(policy: NonNullable<RunStory['policy']>): Entry {
  const strategy = policy.strategy ? ` → ${policy.strategy}` : '';
  const set = policy.setHash ? ` (policy set ${policy.setHash})` : '';
  return { label: 'policy', lines: [`${policy.name}${strategy}${set}`] };
}

export function describeError(error: ErrorSummary): string {
  const hints = [
    error.retryAfterMs !== undefined && `retry after ${formatDelay(error.retryAfterMs)}`,
    error.transport && 'no answer from AWS',
  ].filter(Boolean);
  return `${error.name}: ${error.message}${hints.length ? ` (${hints.join(', ')})` : ''}`;
}

function attemptEntry(attempt: AttemptRecord, action: string | undefined): Entry {
  const why =
    attempt.trigger === 'operator'
      ? 'operator retry'
      : attempt.trigger === 'capacity'
        ? `after ${formatDelay(attempt.delayMs)} waiting for task capacity`
        : `after ${formatDelay(attempt.delayMs)} backoff`;
  const took = formatDelay(Date.parse(attempt.finishedAt) - Date.parse(attempt.startedAt));
  const produced = attempt.resultId
    ? ` → ${action === 'CREATE_TASK' ? 'task' : 'event'} ${attempt.resultId}`
    : '';
  const result = attempt.ok
    ? `ok in ${took}${produced}`
    : `failed in ${took}: ${attempt.error ? describeError(attempt.error) : 'no error recorded'}`;
  return {
    at: attempt.startedAt,
    label: `attempt ${attempt.attempt}`,
    lines: [`${why}, ${result}`, ...(attempt.notes ?? []).map((note) => `note: ${note}`)],
  };
}

function escalationEntry(escalation: EscalationRecord, index: number, total: number): Entry {
  const channels = escalation.channels.map(
    (c) =>
      `${c.ok ? 'delivered' : 'not delivered'} via ${c.name} (${c.type})${c.detail ? `: ${c.detail}` : ''}`,
  );
  return {
    at: escalation.at,
    label: total > 1 ? `escalated ${index + 1}` : 'escalated',
    lines: [
      escalation.reason,
      ...(channels.length ? channels : ['no channels configured: nobody was notified']),
    ],
  };
}

function decisionEntry(decision: NonNullable<RunStory['decision']>): Entry {
  const by = decision.by ? ` by ${decision.by}` : '';
  const note = decision.note ? `: ${decision.note}` : '';
  const overrides = Object.entries(decision.overrides ?? {}).map(([k, v]) => `override ${k}=${v}`);
  return { at: decision.at, label: 'decision', lines: [`${decision.action}${by}${note}`, ...overrides] };
}

function liveLines(live: LiveStatus): string[] {
  switch (live.phase) {
    case 'retrying':
      return [
        `retrying: attempt ${live.attempt + 1}${live.nextAttemptAt ? ` at ${formatTimestamp(live.nextAttemptAt)}` : ' running'}`,
        ...(live.lastError ? [`last error ${describeError(live.lastError)}`] : []),
      ];
    case 'waiting-capacity': {
      const since = live.capacity ? ` since ${formatTimestamp(live.capacity.waitingSince)}` : '';
      const others = live.capacity?.waitingAtInstance;
      const room = others === undefined ? '' : ` (about ${others} waiting at the instance)`;
      return [`waiting for task capacity${since}${room}`];
    }
    case 'awaiting-operator':
      return [
        `waiting for an operator (runs signal <id> retry|resolve|abandon)${live.awaitingOperatorUntil ? ` until ${formatTimestamp(live.awaitingOperatorUntil)}` : ''}`,
      ];
    default:
      return [live.phase];
  }
}
