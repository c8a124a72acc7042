/**
 * Writes policies/policies.schema.json from the zod schema (`npm run policies:schema`). A test
 * fails when the committed file is stale, so run this after changing policies/schema.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { POLICY_SCHEMA_FILE_NAME, policyJsonSchemaText } from '../policies/json-schema';

const target = path.join(__dirname, '..', 'policies', POLICY_SCHEMA_FILE_NAME);
fs.writeFileSync(target, policyJsonSchemaText());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
