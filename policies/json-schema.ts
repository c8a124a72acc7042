/**
 * The JSON Schema editors use (yaml-language-server reads the `$schema` modeline at the top of
 * policies.yaml): generated from the zod schema, so the editor and the engine agree. Draft-07,
 * the dialect editors support best. Regenerate with `npm run policies:schema`. Pure.
 */
import { z } from 'zod';
import { PolicyFileSchema } from './schema';

export const POLICY_SCHEMA_FILE_NAME = 'policies.schema.json';

export function policyJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(PolicyFileSchema, { target: 'draft-7' }),
    title: 'connect-remediator policies',
  };
}

/** The file content exactly as committed (stable key order, trailing newline). */
export function policyJsonSchemaText(): string {
  return `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
}
