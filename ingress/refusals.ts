/**
 * Requests refused before any event could be looked at (not JSON, too large, wrong media type).
 * Bodies share one shape with per-event rejections: `{ error, errors: [{ path, expected, found }] }`.
 */
import type { ValidationError } from '../events/validate';
import type { RejectionReason } from './metrics';

export interface ProblemBody {
  error: string;
  errors?: ValidationError[];
}

export class RequestRefused extends Error {
  constructor(
    readonly statusCode: 400 | 413 | 415,
    readonly reason: RejectionReason,
    readonly body: ProblemBody,
  ) {
    super(body.error);
  }
}

export const MAX_EVENTS_PER_REQUEST = 100;

export function unsupportedMediaType(contentType: string | undefined): RequestRefused {
  return new RequestRefused(415, 'unsupported-media-type', {
    error: 'unsupported media type',
    errors: [
      {
        path: '$',
        expected: 'a JSON body sent with Content-Type: application/json',
        found: contentType ? `Content-Type ${JSON.stringify(contentType.slice(0, 100))}` : 'no Content-Type',
      },
    ],
  });
}

export function notJson(problem: string): RequestRefused {
  return new RequestRefused(400, 'not-json', {
    error: 'the body is not JSON',
    errors: [{ path: '$', expected: 'a JSON document', found: problem.slice(0, 200) }],
  });
}

export function bodyTooLarge(error: ValidationError): RequestRefused {
  return new RequestRefused(413, 'too-large', { error: 'request too large', errors: [error] });
}

/** `countedFirst`: the items were counted unparsed, stopping past the limit (`length` is a floor). */
export function badBatchLength(length: number, { countedFirst = false } = {}): RequestRefused {
  const error = {
    path: '$',
    expected: `one event, or an array of 1 to ${MAX_EVENTS_PER_REQUEST} events`,
    found: countedFirst
      ? `an array of more than ${MAX_EVENTS_PER_REQUEST} items`
      : `an array of ${length} items`,
  };
  return length === 0
    ? new RequestRefused(400, 'invalid', { error: 'no events', errors: [error] })
    : bodyTooLarge(error);
}
