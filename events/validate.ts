/**
 * Strict validation of an incoming failure event: either the typed event (plus the facts derived
 * from it) or every problem at once, each as { path, expected, found } a person can act on.
 * Never throws, whatever the input. Pure (workflow-safe).
 */
import { parseAdditionalInfo } from './additional-info';
import { instanceIdFromArn } from './arn';
import { guardInputShape } from './input-guard';
import { describeFound, jsonPath, valueAt, type PathSegment } from './json-path';
import { FailureEventSchema } from './schema';
import type { ConnectFailureEvent, ParsedAdditionalInfo } from './types';

export interface ValidationError {
  /** JSON path into the event, e.g. `$.detail.instanceArn`. */
  path: string;
  expected: string;
  found: string;
}

export type ValidationResult =
  | {
      ok: true;
      /** The event as delivered, unknown fields included. */
      event: ConnectFailureEvent;
      instanceId: string;
      additionalInfo: ParsedAdditionalInfo;
    }
  | { ok: false; errors: ValidationError[] };

export function validateFailureEvent(input: unknown): ValidationResult {
  const shapeProblem = guardInputShape(input);
  if (shapeProblem) return { ok: false, errors: [shapeProblem] };

  const parsed = FailureEventSchema.safeParse(input);
  if (!parsed.success) {
    const errors: ValidationError[] = [];
    const reported = new Set<string>();
    for (const issue of parsed.error.issues) {
      const segments = issue.path as PathSegment[];
      const path = jsonPath(segments);
      // One line per field: a too-long id also fails its pattern, but the reader needs it once.
      if (reported.has(path)) continue;
      reported.add(path);
      errors.push({ path, expected: issue.message, found: describeFound(valueAt(input, segments)) });
    }
    return { ok: false, errors };
  }
  const event: ConnectFailureEvent = parsed.data;
  return {
    ok: true,
    event,
    // The schema refused anything that is not an instance ARN, so this is defined.
    instanceId: instanceIdFromArn(event.detail.instanceArn)!,
    additionalInfo: parseAdditionalInfo(event.detail.additionalInfo),
  };
}

/** One line per problem: `$.detail.instanceArn: expected …, found "…"`. */
export function formatValidationError(error: ValidationError): string {
  return `${error.path}: expected ${error.expected}; found ${error.found}`;
}
