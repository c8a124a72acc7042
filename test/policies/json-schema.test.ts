/**
 * The JSON Schema editors load (policies/policies.schema.json) is generated from the zod schema:
 * it must be current, accept what the loader accepts, flag typos, and describe every field.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { POLICY_SCHEMA_FILE_NAME, policyJsonSchema, policyJsonSchemaText } from '../../policies/json-schema';
import { REPO_ROOT, SHIPPED_POLICIES, validPolicyYaml } from './fixtures';

const committedPath = path.join(REPO_ROOT, 'policies', POLICY_SCHEMA_FILE_NAME);

test('the committed policies.schema.json is the generated one (run `npm run policies:schema`)', () => {
  expect(fs.readFileSync(committedPath, 'utf8')).toBe(policyJsonSchemaText());
});

describe('what an editor gets from it', () => {
  // Editors check `format: uri` themselves; here it is known and accepted (the policy loader
  // checks webhook URLs), so Ajv does not warn about a format it has no validator for.
  const validate = new Ajv({ allErrors: true, strict: false, formats: { uri: true } }).compile(
    JSON.parse(fs.readFileSync(committedPath, 'utf8')) as object,
  );
  const errorsOf = (yamlText: string) => {
    validate(parse(yamlText));
    return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  };

  test('the shipped policy file is valid', () => {
    expect(errorsOf(fs.readFileSync(SHIPPED_POLICIES, 'utf8'))).toEqual([]);
  });

  test('a misspelt key is flagged', () => {
    const text = validPolicyYaml({
      policies: ['  - name: t', '    when: {}', '    then: retry', '    retry: { maxAttemps: 5 }'],
      catchAll: false,
    });
    expect(errorsOf(text)).toEqual([expect.stringContaining('"additionalProperty":"maxAttemps"')]);
  });

  test('a duration without a unit and an unknown strategy are flagged', () => {
    const text = validPolicyYaml({
      policies: ['  - name: t', '    when: {}', '    then: later', '    deadline: "10"'],
      catchAll: false,
    });
    const errors = errorsOf(text);
    expect(errors.some((e) => e.startsWith('/policies/0/then'))).toBe(true);
    expect(errors.some((e) => e.startsWith('/policies/0/deadline'))).toBe(true);
  });

  test('every field of every map carries a description for hover and completion', () => {
    const undocumented: string[] = [];
    const visit = (node: unknown, where: string) => {
      if (typeof node !== 'object' || node === null) return;
      const schema = node as Record<string, unknown>;
      if (schema.properties && typeof schema.properties === 'object') {
        for (const [key, property] of Object.entries(
          schema.properties as Record<string, Record<string, unknown>>,
        )) {
          if (typeof property.description !== 'string') undocumented.push(`${where}.${key}`);
        }
      }
      for (const [key, child] of Object.entries(schema)) visit(child, `${where}/${key}`);
    };
    visit(policyJsonSchema(), '#');
    expect(undocumented).toEqual([]);
  });

  test('known reason codes and action types are offered as completions', () => {
    const text = JSON.stringify(policyJsonSchema());
    for (const value of [
      'ServiceQuotaExceededException',
      'NotAuthorizedForDetailTypeException',
      'SEND_NOTIFICATION',
    ]) {
      expect(text).toContain(`"${value}"`);
    }
  });
});
