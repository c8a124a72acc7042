/**
 * The only body the ingress reads: JSON (`application/json`, with or without charset — what an
 * EventBridge API destination sends). Anything else is left unparsed, so fastify answers 415.
 * A single event above EventBridge's 256 KB maximum, and an array of more than 100 items, are
 * refused with 413 before parsing.
 */
import type { FastifyInstance } from 'fastify';
import { MAX_EVENT_BYTES, tooLarge } from './ingest';
import { MAX_BODY_BYTES } from './load-limits';
import { badBatchLength, bodyTooLarge, MAX_EVENTS_PER_REQUEST, notJson } from './refusals';

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const OPEN_BRACKET = 0x5b;

function startsWithArray(body: Buffer): boolean {
  for (const byte of body) {
    if (!WHITESPACE.has(byte)) return byte === OPEN_BRACKET;
  }
  return false;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPENERS = new Set([0x5b, 0x7b]);
const CLOSERS = new Set([0x5d, 0x7d]);

/**
 * Items of the top-level array, counted on the bytes before any parsing, stopping past `max`: a
 * batch of too many events is refused without building them. (For text that is not valid JSON the
 * count may be off; JSON.parse then refuses it anyway.)
 */
export function countArrayItems(body: Buffer, max: number): number {
  let depth = 0;
  let inString = false;
  let items = 0;
  let itemOpen = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i]!;
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    if (depth === 1 && !itemOpen && !WHITESPACE.has(byte) && !CLOSERS.has(byte) && byte !== COMMA) {
      itemOpen = true;
      if (++items > max) return items;
    }
    if (byte === QUOTE) inString = true;
    else if (OPENERS.has(byte)) depth++;
    else if (CLOSERS.has(byte)) depth--;
    else if (byte === COMMA && depth === 1) itemOpen = false;
  }
  return items;
}

export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES },
    (_request, body: Buffer, done) => {
      // Arrays are size-checked per item after parsing; a single event is checked here, unparsed.
      const isArray = startsWithArray(body);
      if (body.length > MAX_EVENT_BYTES && !isArray) {
        done(bodyTooLarge(tooLarge(body.length)), undefined);
        return;
      }
      if (isArray && countArrayItems(body, MAX_EVENTS_PER_REQUEST) > MAX_EVENTS_PER_REQUEST) {
        done(badBatchLength(MAX_EVENTS_PER_REQUEST + 1, { countedFirst: true }), undefined);
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
