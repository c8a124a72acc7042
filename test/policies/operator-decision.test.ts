/**
 * The operator decision schema every message to a run is checked with (Update, signals, incident
 * answers, the CLI): types and lengths, not just keys, and a message naming the field.
 */
import fc from 'fast-check';
import {
  LIMITS,
  OPERATOR_OVERRIDE_KEYS,
  operatorDecisionError,
  validateOperatorDecision,
} from '../../policies/operator-decision';

const FLOW = 'e58e9caa-2835-4c2e-aeb6-c29455226c7b';

describe('valid decisions pass, with only the known fields', () => {
  test('a retry with overrides, a note and who', () => {
    const check = validateOperatorDecision({
      action: 'retry',
      note: 'flow fixed\nsee the ticket',
      by: 'alice',
      overrides: { contactFlowId: FLOW, 'attribute.team': 'ops', 'reference.Runbook': 'https://x/?a=b' },
    });
    expect(check).toEqual({
      ok: true,
      decision: {
        action: 'retry',
        note: 'flow fixed\nsee the ticket',
        by: 'alice',
        overrides: { contactFlowId: FLOW, 'attribute.team': 'ops', 'reference.Runbook': 'https://x/?a=b' },
      },
    });
  });

  test('resolve and abandon with nothing else; empty overrides are dropped', () => {
    expect(validateOperatorDecision({ action: 'resolve' })).toEqual({
      ok: true,
      decision: { action: 'resolve' },
    });
    expect(validateOperatorDecision({ action: 'abandon', overrides: {} })).toEqual({
      ok: true,
      decision: { action: 'abandon' },
    });
  });

  test('the signal forms: the action comes from the signal, the payload may be absent', () => {
    expect(validateOperatorDecision(undefined, { action: 'resolve' })).toEqual({
      ok: true,
      decision: { action: 'resolve' },
    });
    expect(validateOperatorDecision({ note: 'by phone' }, { action: 'resolve' })).toEqual({
      ok: true,
      decision: { action: 'resolve', note: 'by phone' },
    });
    expect(operatorDecisionError({ action: 'resolve' }, { action: 'resolve' })).toBeUndefined();
  });

  test('values at the AWS limits pass', () => {
    expect(
      operatorDecisionError({
        action: 'retry',
        overrides: { contactFlowId: 'f'.repeat(500), name: 'n'.repeat(1024), description: '' },
      }),
    ).toBeUndefined();
  });
});

describe('each problem names the field, what was expected and what was found', () => {
  test.each([
    [{ action: 'close' }, 'action: expected one of retry, resolve, abandon, got "close"'],
    [{}, 'action: expected one of retry, resolve, abandon, got nothing'],
    [
      { action: 'retry', overrides: { contactFlowId: 42 } },
      'overrides.contactFlowId: expected a contact flow id: a string of 1 to 500 characters, got 42',
    ],
    [
      { action: 'retry', overrides: { contactFlowId: '' } },
      'overrides.contactFlowId: expected a contact flow id: a string of 1 to 500 characters, got ""',
    ],
    [
      { action: 'retry', overrides: { contactFlowId: 'f'.repeat(501) } },
      'overrides.contactFlowId: expected a contact flow id: a string of 1 to 500 characters, got 501 characters',
    ],
    [
      { action: 'retry', overrides: { 'attribute.team': ['ops'] } },
      'overrides["attribute.team"]: expected an attribute value: a string of at most 1024 characters, got an array of 1 item(s)',
    ],
    [
      { action: 'retry', overrides: { eventBusName: 'ops bus' } },
      'overrides.eventBusName: expected an event bus name or ARN: letters, digits, ".", "-", "_", or an event bus ARN, got "ops bus"',
    ],
    [
      { action: 'retry', overrides: 'contactFlowId=x' },
      'overrides: expected an object of override keys to strings, e.g. {"contactFlowId": "<flow id>"}, got "contactFlowId=x"',
    ],
    [
      { action: 'resolve', overrides: { name: 'x' } },
      'overrides: expected no overrides (they apply to retry only, not to resolve), got 1 override(s)',
    ],
    [{ action: 'retry', note: 7 }, 'note: expected text of at most 2000 characters, got 7'],
    [
      { action: 'retry', note: 'n'.repeat(LIMITS.note + 1) },
      'note: expected text of at most 2000 characters, got 2001 characters',
    ],
    [
      { action: 'retry', by: 'alice\nSet-Cookie: x' },
      'by: expected a single line of text of at most 200 characters, got a control character (a newline or similar)',
    ],
    [
      { action: 'retry', overides: { contactFlowId: FLOW } },
      'overides: expected only the fields action, note, by, overrides, got unknown field(s) "overides"',
    ],
    [
      'retry',
      '(decision): expected an object such as {"action": "retry", "note": "…", "overrides": {…}}, got "retry"',
    ],
    [
      null,
      '(decision): expected an object such as {"action": "retry", "note": "…", "overrides": {…}}, got null',
    ],
  ])('%j', (input, message) => {
    expect(operatorDecisionError(input)).toBe(message);
  });

  test('every problem at once, joined in one message', () => {
    const check = validateOperatorDecision({ action: 'retry', note: 1, overrides: { name: 2, flow: 'x' } });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problems.map((p) => p.field)).toEqual(['note', 'overrides', 'overrides.name']);
    expect(check.message.split('; ')).toHaveLength(3);
  });

  test('a signal payload may not carry another action than its signal', () => {
    expect(operatorDecisionError({ action: 'abandon' }, { action: 'retry' })).toBe(
      'action: expected "retry" (the signal\'s own action) or no action, got "abandon"',
    );
  });

  test('more overrides than the limit are refused as a whole', () => {
    const overrides = Object.fromEntries(
      Array.from({ length: LIMITS.overrides + 1 }, (_, i) => [`attribute.a${i}`, 'x']),
    );
    expect(operatorDecisionError({ action: 'retry', overrides })).toBe(
      'overrides: expected at most 50 overrides, got 51',
    );
  });
});

describe('inherited names are not keys', () => {
  test.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'override key %s is unknown, not "known" through the prototype',
    (key) => {
      const overrides = JSON.parse(`{${JSON.stringify(key)}: "x"}`) as Record<string, unknown>;
      expect(operatorDecisionError({ action: 'retry', overrides })).toMatch(
        new RegExp(
          `^overrides: expected one of contactFlowId, .*, got unknown override key\\(s\\) "${key}"$`,
        ),
      );
    },
  );

  test.each(['attribute.__proto__', 'attribute.constructor', 'reference.prototype', 'attribute.'])(
    '%s names no attribute or reference a map may hold',
    (key) => {
      expect(operatorDecisionError({ action: 'retry', overrides: { [key]: 'x' } })).toContain(
        `unknown override key(s) "${key}"`,
      );
    },
  );

  test('a decision whose action is only inherited has none', () => {
    const inherited = Object.create({ action: 'retry' }) as object;
    expect(operatorDecisionError(inherited)).toMatch(/^\(decision\): expected an object/);
  });

  test('the decision returned is a plain copy: a __proto__ key in the input changes no prototype', () => {
    const input = JSON.parse(
      '{"action":"retry","overrides":{"name":"x"},"__proto__":{"polluted":true}}',
    ) as object;
    const check = validateOperatorDecision(input);
    expect(check.ok).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('properties', () => {
  const key = fc.constantFrom(
    ...OPERATOR_OVERRIDE_KEYS.filter((k) => !k.includes('<') && k !== 'eventBusName'),
    'attribute.team',
    'reference.Runbook',
  );
  // Strings the schema takes: no control characters (a note may hold tabs and newlines).
  const printable = (multiline: boolean) => (s: string) =>
    [...s].every((c) => {
      const code = c.charCodeAt(0);
      return code >= 0x20 ? code !== 0x7f : multiline && (code === 0x09 || code === 0x0a);
    });
  const decision = fc.record(
    {
      action: fc.constantFrom('retry', 'resolve', 'abandon'),
      note: fc.string({ maxLength: 100 }).filter(printable(true)),
      by: fc.string({ minLength: 1, maxLength: 50 }).filter(printable(false)),
    },
    { requiredKeys: ['action'] },
  );

  test('any JSON value is answered (never thrown at), and a pass holds only the four fields', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue(), fc.record({ action: fc.jsonValue(), overrides: fc.jsonValue() })),
        (input) => {
          const check = validateOperatorDecision(input);
          if (check.ok) {
            expect(
              Object.keys(check.decision).every((k) => ['action', 'note', 'by', 'overrides'].includes(k)),
            ).toBe(true);
          } else {
            expect(check.message.length).toBeGreaterThan(0);
          }
        },
      ),
    );
  });

  test('well-formed decisions pass unchanged', () => {
    fc.assert(
      fc.property(
        decision,
        fc.dictionary(key, fc.string({ minLength: 1, maxLength: 100 }), { maxKeys: 5 }),
        (d, o) => {
          const input = d.action === 'retry' && Object.keys(o).length ? { ...d, overrides: o } : d;
          expect(validateOperatorDecision(input)).toEqual({ ok: true, decision: input });
        },
      ),
    );
  });
});
