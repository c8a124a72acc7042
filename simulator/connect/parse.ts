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

export function parseConnectInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw connectError('InvalidParameterException', awsValidationMessage(parsed.error));
  return parsed.data;
}
