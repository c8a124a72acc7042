/** Turns a raw Connect request body (or path parameters) into validated input, or an AWS error. */
import type { z } from 'zod';
import { connectError } from '../aws-errors';
import { parseJsonObject } from '../protocol';
import { awsValidationMessage } from '../validation';

export function parseConnectBody<T extends z.ZodType>(
  schema: T,
  rawBody: unknown,
  extra: Record<string, unknown> = {},
): z.infer<T> {
  const body = parseJsonObject(rawBody);
  if (body === undefined) {
    throw connectError('InvalidRequestException', 'The request body must be a JSON object');
  }
  return parseConnectInput(schema, { ...body, ...extra });
}

/**
 * Validates input against its schema. `refusal`: the error the operation's model has for bad input —
 * InvalidParameterException where it lists one, InvalidRequestException otherwise (DescribeRule).
 */
export function parseConnectInput<T extends z.ZodType>(
  schema: T,
  input: unknown,
  refusal: 'InvalidParameterException' | 'InvalidRequestException' = 'InvalidParameterException',
): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw connectError(refusal, awsValidationMessage(parsed.error));
  return parsed.data;
}
