/** Reading SQS JSON request members, each refused with the error SQS sends when missing or mistyped. */
import { SqsError } from './errors';

export type Input = Record<string, unknown>;

export function requiredString(input: Input, name: string): string {
  const value = input[name];
  if (value === undefined || value === null) {
    throw new SqsError('MissingParameter', `The request must contain the parameter ${name}.`);
  }
  if (typeof value !== 'string') {
    throw new SqsError(
      'InvalidParameterValue',
      `Value for parameter ${name} is invalid. Reason: expected a string.`,
    );
  }
  return value;
}

export function optionalInteger(
  input: Input,
  name: string,
  bounds: { min: number; max: number },
): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < bounds.min || value > bounds.max) {
    throw new SqsError(
      'InvalidParameterValue',
      `Value ${JSON.stringify(value)} for parameter ${name} is invalid. Reason: Must be an integer from ${bounds.min} to ${bounds.max}.`,
    );
  }
  return value;
}

export function optionalStringList(input: Input, name: string): string[] {
  const value = input[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new SqsError(
      'InvalidParameterValue',
      `Value for parameter ${name} is invalid. Reason: expected a list of strings.`,
    );
  }
  return value as string[];
}

export function optionalStringMap(input: Input, name: string): Record<string, string> {
  const value = input[name];
  if (value === undefined || value === null) return {};
  if (
    typeof value !== 'object' ||
    Array.isArray(value) ||
    Object.values(value).some((v) => typeof v !== 'string')
  ) {
    throw new SqsError(
      'InvalidParameterValue',
      `Value for parameter ${name} is invalid. Reason: expected a map of strings.`,
    );
  }
  return value as Record<string, string>;
}

/** Batch entries: 1..10, each an object with a distinct, well-formed Id. */
export function batchEntries(input: Input): Input[] {
  const entries = input.Entries;
  if (entries === undefined || entries === null) {
    throw new SqsError('MissingParameter', 'The request must contain the parameter Entries.');
  }
  if (!Array.isArray(entries)) {
    throw new SqsError(
      'InvalidParameterValue',
      'Value for parameter Entries is invalid. Reason: expected a list.',
    );
  }
  if (entries.length === 0) {
    throw new SqsError(
      'EmptyBatchRequest',
      'There should be at least one SendMessageBatchRequestEntry in the request.',
    );
  }
  if (entries.length > 10) {
    throw new SqsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
    );
  }
  const ids = new Set<string>();
  for (const entry of entries as Input[]) {
    const id = typeof entry === 'object' && entry !== null ? entry.Id : undefined;
    if (typeof id !== 'string' || !/^[\w-]{1,80}$/.test(id)) {
      throw new SqsError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    }
    if (ids.has(id)) throw new SqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    ids.add(id);
  }
  return entries as Input[];
}
