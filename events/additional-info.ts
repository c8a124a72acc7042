/**
 * `detail.additionalInfo` is a JSON *string* holding the AWS SDK error object. It can be absent or
 * malformed; either way the event is still remediated, so this never throws. Pure (workflow-safe).
 */
import type { AdditionalInfo, ParsedAdditionalInfo } from './types';

const optionalTypes: Record<keyof AdditionalInfo, 'string' | 'number' | 'boolean'> = {
  message: 'string',
  code: 'string',
  statusCode: 'number',
  time: 'string',
  requestId: 'string',
  retryable: 'boolean',
  retryDelay: 'number',
};

export function parseAdditionalInfo(raw: string | undefined): ParsedAdditionalInfo {
  if (raw === undefined || raw.trim() === '') return { status: 'absent' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    return { status: 'malformed', raw, problem: `not JSON: ${(err as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { status: 'malformed', raw, problem: 'expected a JSON object' };
  }
  const value: AdditionalInfo = {};
  const problems: string[] = [];
  for (const [key, type] of Object.entries(optionalTypes) as [keyof AdditionalInfo, string][]) {
    const field = (parsed as Record<string, unknown>)[key];
    if (field === undefined || field === null) continue;
    if (typeof field === type && (type !== 'number' || Number.isFinite(field))) {
      (value as Record<string, unknown>)[key] = field;
    } else {
      problems.push(`${key}: expected ${type}, got ${JSON.stringify(field)}`);
    }
  }
  if (value.retryDelay !== undefined && value.retryDelay < 0) {
    problems.push(`retryDelay: expected milliseconds >= 0, got ${value.retryDelay}`);
    delete value.retryDelay;
  }
  // Fields with the wrong type are dropped (and reported) but the rest is still useful.
  return problems.length
    ? { status: 'malformed', raw, problem: problems.join('; '), partial: value }
    : { status: 'parsed', value };
}
