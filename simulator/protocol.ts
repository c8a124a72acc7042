/**
 * How each service puts answers on the wire. Connect speaks REST-JSON: the error name travels in the
 * `x-amzn-ErrorType` header and the body carries the modelled `Message` member (`message` when AWS
 * throttles the call before the service sees it). EventBridge speaks
 * JSON 1.1: the body carries `__type` and `message` (the header is sent too; the SDK reads either).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { AwsError, AwsService } from './aws-errors';

const CONTENT_TYPE: Record<AwsService, string> = {
  connect: 'application/json',
  eventbridge: 'application/x-amz-json-1.1',
  cloudwatch: 'application/x-amz-json-1.0',
};

/** Bytes, not a string: fastify would append "; charset=utf-8" to a string's content type. */
const jsonBytes = (body: unknown) => Buffer.from(JSON.stringify(body));

export function sendAwsResult(reply: FastifyReply, service: AwsService, body: unknown): FastifyReply {
  return reply
    .code(200)
    .header('x-amzn-RequestId', randomUUID())
    .header('content-type', CONTENT_TYPE[service])
    .send(jsonBytes(body));
}

export function sendAwsError(reply: FastifyReply, error: AwsError): FastifyReply {
  const body =
    error.service === 'connect'
      ? { [error.messageMember]: error.message }
      : { __type: error.errorName, message: error.message };
  return reply
    .code(error.status)
    .header('x-amzn-RequestId', randomUUID())
    .header('x-amzn-ErrorType', error.errorName)
    .header('content-type', CONTENT_TYPE[error.service])
    .send(jsonBytes(body));
}

/** Request bodies arrive as raw text (see server.ts); this parses them the way a service would. */
export function parseJsonObject(raw: unknown): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null || raw === '') return {};
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : undefined;
  if (text === undefined) return undefined;
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
