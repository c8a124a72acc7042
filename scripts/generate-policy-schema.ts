/**
 * Writes policies/policies.schema.json and policies/cases.schema.json from the zod schemas
 * (`npm run policies:schema`). Tests fail when a committed file is stale, so run this after
 * changing policies/schema.ts or policies/cases/schema.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CASES_SCHEMA_FILE_NAME, casesJsonSchemaText } from '../policies/cases/json-schema';
import { POLICY_SCHEMA_FILE_NAME, policyJsonSchemaText } from '../policies/json-schema';

const files: [name: string, text: string][] = [
  [POLICY_SCHEMA_FILE_NAME, policyJsonSchemaText()],
  [CASES_SCHEMA_FILE_NAME, casesJsonSchemaText()],
];
for (const [name, text] of files) {
  const target = path.join(__dirname, '..', 'policies', name);
  fs.writeFileSync(target, text);
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}
