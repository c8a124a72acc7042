/**
 * The JSON Schema editors use for cases files (the `$schema` modeline at the top of one, as for
 * policies.yaml): generated from the zod schema, so the editor and `policies test` agree.
 * Regenerate with `npm run policies:schema`. Pure.
 */
import { z } from 'zod';
import { CasesFileSchema } from './schema';

export const CASES_SCHEMA_FILE_NAME = 'cases.schema.json';

export function casesJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(CasesFileSchema, { target: 'draft-7' }),
    title: 'connect-remediator policy cases',
  };
}

/** The file content exactly as committed (stable key order, trailing newline). */
export function casesJsonSchemaText(): string {
  return `${JSON.stringify(casesJsonSchema(), null, 2)}\n`;
}
