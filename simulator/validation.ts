/**
 * Building blocks for request schemas whose failures read like AWS's own validation errors:
 * `1 validation error detected: Value at 'Name' failed to satisfy constraint: Member must have
 * length less than or equal to 512` — the field, and what was expected.
 */
import { z } from 'zod';

const typeError = (expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'Member must not be null' : `Member must be ${expected}`;

export function awsString(limits: { min?: number; max?: number } = {}) {
  let schema = z.string({ error: typeError('a string') });
  if (limits.min !== undefined) {
    schema = schema.min(limits.min, `Member must have length greater than or equal to ${limits.min}`);
  }
  if (limits.max !== undefined) {
    schema = schema.max(limits.max, `Member must have length less than or equal to ${limits.max}`);
  }
  return schema;
}

export function awsEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) =>
      issue.input === undefined
        ? 'Member must not be null'
        : `Member must satisfy enum value set: [${values.join(', ')}]`,
  });
}

export function awsList<T extends z.ZodType>(item: T, limits: { min?: number; max?: number } = {}) {
  let schema = z.array(item, { error: typeError('a list') });
  if (limits.min !== undefined) {
    schema = schema.min(limits.min, `Member must have length greater than or equal to ${limits.min}`);
  }
  if (limits.max !== undefined) {
    schema = schema.max(limits.max, `Member must have length less than or equal to ${limits.max}`);
  }
  return schema;
}

export function awsMap<T extends z.ZodType>(value: T) {
  return z.record(z.string(), value, { error: typeError('a map') });
}

export const awsNumber = () => z.number({ error: typeError('a number') });

export const awsStructure = <S extends z.ZodRawShape>(shape: S) =>
  z.object(shape, { error: typeError('a structure') });

/** The message AWS would give for these issues. */
export function awsValidationMessage(error: z.ZodError): string {
  const issues = error.issues;
  const described = issues.map(
    (issue) =>
      `Value at '${issue.path.map(String).join('.')}' failed to satisfy constraint: ${issue.message}`,
  );
  return `${issues.length} validation error${issues.length === 1 ? '' : 's'} detected: ${described.join('; ')}`;
}

/**
 * For admin schemas: `expected` replaces zod's message when the value is not an object at all, while
 * unknown keys keep zod's own `Unrecognized key: "…"`, which names the culprit.
 */
export const notAnObject = (expected: string) => (issue: { code?: string }) =>
  issue.code === 'unrecognized_keys' ? undefined : expected;
