/**
 * The only body the ingress reads: JSON (`application/json`, with or without charset — what an
 * EventBridge API destination sends). Anything else is left unparsed, so fastify answers 415.
 * A single event above EventBridge's 256 KB maximum is refused with 413 before parsing.
 */
import type { FastifyInstance } from 'fastify';
import { MAX_EVENT_BYTES, tooLarge } from './ingest';
import { bodyTooLarge, MAX_EVENTS_PER_REQUEST, notJson } from './refusals';

/** A full batch, plus room for separators and pretty-printing. */
export const MAX_BODY_BYTES = MAX_EVENTS_PER_REQUEST * (MAX_EVENT_BYTES + 4096);

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const OPEN_BRACKET = 0x5b;

function startsWithArray(body: Buffer): boolean {
  for (const byte of body) {
    if (!WHITESPACE.has(byte)) return byte === OPEN_BRACKET;
  }
  return false;
}

export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES },
    (_request, body: Buffer, done) => {
      // Arrays are size-checked per item after parsing; a single event is checked here, unparsed.
      if (body.length > MAX_EVENT_BYTES && !startsWithArray(body)) {
        done(bodyTooLarge(tooLarge(body.length)), undefined);
        return;
      }
      try {
        done(null, JSON.parse(body.toString('utf8')));
      } catch (err) {
        done(notJson((err as Error).message), undefined);
      }
    },
  );
}
