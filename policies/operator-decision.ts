/**
 * The schema of an operator's decision — `{ action, note?, by?, overrides? }` — as every way it
 * reaches a run sends it: the `decide` Update, the retry / resolve / abandon signals (the Web UI's
 * Signal button, where a person types the JSON), an incident's answer, and the CLI. Keys are not
 * enough: a value that is not a string, is too long for the AWS field it lands in, or names an
 * inherited property (`constructor`, `__proto__`) would otherwise pass the validator and fail
 * later, inside an activity, or change an object's prototype.
 *
 * Pure and deterministic (no Node APIs, no clock, no randomness): workflow code imports it for its
 * validators and signal handlers.
 */

export const OPERATOR_ACTIONS = ['retry', 'resolve', 'abandon'] as const;
export type OperatorAction = (typeof OPERATOR_ACTIONS)[number];

/** A decision that passed: only the fields the schema knows, each of the type it names. */
export interface ValidOperatorDecision {
  action: OperatorAction;
  note?: string;
  by?: string;
  overrides?: Record<string, string>;
}

export interface DecisionProblem {
  /** `action`, `note`, `by`, `overrides`, `overrides.contactFlowId`, `overrides["attribute.team"]`. */
  field: string;
  expected: string;
  found: string;
}

export type DecisionCheck =
  { ok: true; decision: ValidOperatorDecision } | { ok: false; problems: DecisionProblem[]; message: string };

/** What one override value may be: the AWS field it lands in sets the length. */
interface ValueRule {
  min: number;
  max: number;
  what: string;
  /** A pattern the value must match (EventBridge bus names). */
  pattern?: RegExp;
  patternHint?: string;
}

/** StartTaskContact and PutEvents limits (AWS's service models, test/fixtures/aws-models/). */
const PLAIN_RULES = {
  contactFlowId: { min: 1, max: 500, what: 'a contact flow id' },
  name: { min: 1, max: 1024, what: 'a task name' },
  description: { min: 0, max: 4096, what: 'a task description' },
  eventBusName: {
    min: 1,
    max: 1600,
    what: 'an event bus name or ARN',
    pattern: /^(arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[.\-_A-Za-z0-9]+$/,
    patternHint: 'letters, digits, ".", "-", "_", or an event bus ARN',
  },
  source: { min: 1, max: 256, what: 'an event source' },
  detailType: { min: 1, max: 256, what: 'a detail-type' },
} as const satisfies Record<string, ValueRule>;

export type PlainOverrideKey = keyof typeof PLAIN_RULES;
export const PLAIN_OVERRIDE_KEYS = Object.keys(PLAIN_RULES) as PlainOverrideKey[];

/** `attribute.<name>` → a contact attribute; `reference.<name>` → a URL reference. */
const PREFIXED_RULES = {
  'attribute.': { min: 0, max: 1024, what: 'an attribute value' },
  'reference.': { min: 0, max: 4096, what: 'a reference value (a URL)' },
} as const satisfies Record<string, ValueRule>;

/** Every key an operator may override, as the CLI's help and error messages list them. */
export const OPERATOR_OVERRIDE_KEYS: readonly string[] = [
  ...PLAIN_OVERRIDE_KEYS,
  'attribute.<name>',
  'reference.<name>',
];

export const LIMITS = {
  note: 2000,
  by: 200,
  overrides: 50,
  /** Attribute and reference names. */
  overrideName: 256,
} as const;

/** Names that are properties of every object: as a map key they read or replace what is inherited. */
const INHERITED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

const FIELDS = ['action', 'note', 'by', 'overrides'] as const;

/**
 * Checks a decision and returns it with only its known fields, or every problem at once (each
 * naming its field, what was expected and what was found) and a one-line `message` of them all.
 *
 * `action`: for the signal forms, where the signal's name is the action and the payload is the
 * rest (`undefined` allowed): the payload may then omit `action`, or repeat the same one.
 */
export function validateOperatorDecision(
  input: unknown,
  options: { action?: OperatorAction } = {},
): DecisionCheck {
  const problems: DecisionProblem[] = [];
  const given = input === undefined && options.action ? {} : input;
  if (!isPlainObject(given)) {
    problems.push({
      field: '(decision)',
      expected: 'an object such as {"action": "retry", "note": "…", "overrides": {…}}',
      found: describe(given),
    });
    return failed(problems);
  }

  const unknown = Object.keys(given).filter((key) => !(FIELDS as readonly string[]).includes(key));
  if (unknown.length) {
    problems.push({
      field: unknown.length === 1 ? fieldName(unknown[0]!) : '(decision)',
      expected: `only the fields ${FIELDS.join(', ')}`,
      found: `unknown field(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}`,
    });
  }

  const action = checkAction(own(given, 'action'), options.action, problems);
  const note = checkText('note', own(given, 'note'), LIMITS.note, { multiline: true }, problems);
  const by = checkText('by', own(given, 'by'), LIMITS.by, { multiline: false }, problems);
  const overrides = checkOverrides(own(given, 'overrides'), action, problems);

  if (problems.length || action === undefined) return failed(problems);
  return {
    ok: true,
    decision: {
      action,
      ...(note !== undefined ? { note } : {}),
      ...(by !== undefined ? { by } : {}),
      ...(overrides !== undefined ? { overrides } : {}),
    },
  };
}

/** The same check for a validator that only needs the reason: undefined when the decision is valid. */
export function operatorDecisionError(
  input: unknown,
  options: { action?: OperatorAction } = {},
): string | undefined {
  const check = validateOperatorDecision(input, options);
  return check.ok ? undefined : check.message;
}

/** `overrides.contactFlowId: expected a contact flow id of 1 to 500 characters, got 42` */
export function formatDecisionProblem(problem: DecisionProblem): string {
  return `${problem.field}: expected ${problem.expected}, got ${problem.found}`;
}

function failed(problems: DecisionProblem[]): DecisionCheck {
  return { ok: false, problems, message: problems.map(formatDecisionProblem).join('; ') };
}

function checkAction(
  value: unknown,
  fromSignal: OperatorAction | undefined,
  problems: DecisionProblem[],
): OperatorAction | undefined {
  const expected = `one of ${OPERATOR_ACTIONS.join(', ')}`;
  if (value === undefined && fromSignal) return fromSignal;
  const action = OPERATOR_ACTIONS.find((a) => a === value);
  if (!action) {
    problems.push({ field: 'action', expected, found: describe(value) });
    return undefined;
  }
  if (fromSignal && action !== fromSignal) {
    problems.push({
      field: 'action',
      expected: `"${fromSignal}" (the signal's own action) or no action`,
      found: describe(value),
    });
    return undefined;
  }
  return action;
}

function checkText(
  field: 'note' | 'by',
  value: unknown,
  max: number,
  { multiline }: { multiline: boolean },
  problems: DecisionProblem[],
): string | undefined {
  if (value === undefined) return undefined;
  const expected = `${multiline ? 'text' : 'a single line of text'} of at most ${max} characters`;
  if (typeof value !== 'string' || value.length > max || hasControlCharacters(value, multiline)) {
    problems.push({ field, expected, found: describeText(value, max, multiline) });
    return undefined;
  }
  return value;
}

function checkOverrides(
  value: unknown,
  action: OperatorAction | undefined,
  problems: DecisionProblem[],
): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) {
    problems.push({
      field: 'overrides',
      expected: 'an object of override keys to strings, e.g. {"contactFlowId": "<flow id>"}',
      found: describe(value),
    });
    return undefined;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return undefined;
  if (action !== undefined && action !== 'retry') {
    problems.push({
      field: 'overrides',
      expected: `no overrides (they apply to retry only, not to ${action})`,
      found: `${keys.length} override(s)`,
    });
    return undefined;
  }
  if (keys.length > LIMITS.overrides) {
    problems.push({
      field: 'overrides',
      expected: `at most ${LIMITS.overrides} overrides`,
      found: `${keys.length}`,
    });
    return undefined;
  }
  const unknownKeys = keys.filter((key) => ruleFor(key) === undefined);
  if (unknownKeys.length) {
    problems.push({
      field: 'overrides',
      expected: `one of ${OPERATOR_OVERRIDE_KEYS.join(', ')}`,
      found: `unknown override key(s) ${unknownKeys.map((k) => JSON.stringify(k)).join(', ')}`,
    });
  }
  // A null-prototype map: whatever the keys, nothing inherited is read or replaced.
  const checked: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const key of keys) {
    const rule = ruleFor(key);
    if (!rule) continue;
    const item = (value as Record<string, unknown>)[key];
    const field = `overrides${fieldName(key, '.')}`;
    if (typeof item !== 'string' || item.length < rule.min || item.length > rule.max) {
      problems.push({ field, expected: lengthExpectation(rule), found: describeText(item, rule.max, true) });
    } else if (rule.pattern && !rule.pattern.test(item)) {
      problems.push({ field, expected: `${rule.what}: ${rule.patternHint}`, found: describe(item) });
    } else {
      checked[key] = item;
    }
  }
  return unknownKeys.length ? undefined : { ...checked };
}

/** The rule of a known key; undefined for unknown keys and for names no map may take. */
function ruleFor(key: string): ValueRule | undefined {
  if (Object.hasOwn(PLAIN_RULES, key)) return PLAIN_RULES[key as PlainOverrideKey];
  for (const [prefix, rule] of Object.entries(PREFIXED_RULES)) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    const usable = name.length > 0 && name.length <= LIMITS.overrideName && !INHERITED_NAMES.has(name);
    return usable && !hasControlCharacters(name, false) ? rule : undefined;
  }
  return undefined;
}

function lengthExpectation(rule: ValueRule): string {
  return rule.min === 0
    ? `${rule.what}: a string of at most ${rule.max} characters`
    : `${rule.what}: a string of ${rule.min} to ${rule.max} characters`;
}

/** Plain JSON objects only (what Temporal's JSON payload converter hands a handler). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Own properties only: `constructor` on a `{}` is inherited, not sent. */
function own(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what is checked
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f]/;

function hasControlCharacters(text: string, multiline: boolean): boolean {
  return (multiline ? CONTROL : CONTROL_OR_NEWLINE).test(text);
}

function fieldName(key: string, separator = ''): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${separator}${key}` : `[${JSON.stringify(key)}]`;
}

function describeText(value: unknown, max: number, multiline: boolean): string {
  if (typeof value !== 'string') return describe(value);
  if (value.length > max) return `${value.length} characters`;
  if (hasControlCharacters(value, multiline)) return 'a control character (a newline or similar)';
  return describe(value);
}

/** How a value is quoted back: short, and never the whole of a long string. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length} item(s)`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 59)}…` : value;
    return `${JSON.stringify(shown)}${value.length > 60 ? ` (${value.length} characters)` : ''}`;
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value;
}
