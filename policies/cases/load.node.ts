/**
 * The Node side of a cases file: reading it, and the event files its cases name (relative to the
 * cases file), validated as the ingress validates events. Every problem is located in the cases
 * file, as for the policy file.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ConnectFailureEvent } from '../../events/types';
import { formatValidationError, validateFailureEvent } from '../../events/validate';
import { byPosition, type PolicyError } from '../errors';
import { parseCasesFile, type ParsedCase } from './parse';

export interface TestCase extends Omit<ParsedCase, 'event'> {
  event: ConnectFailureEvent;
  /** The event file, when the case names one (as resolved). */
  eventFile?: string;
}

export type CasesFileResult =
  { ok: true; file: string; cases: TestCase[] } | { ok: false; file: string; errors: PolicyError[] };

const notFound = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

export async function readCasesFile(file: string): Promise<CasesFileResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = notFound(err) ? 'no such file' : (err as Error).message;
    return {
      ok: false,
      file,
      errors: [{ file, line: 1, column: 1, path: '', message: `cannot read the cases file: ${reason}` }],
    };
  }
  const parsed = parseCasesFile(text, file);
  const errors: PolicyError[] = [...parsed.errors];
  const cases: TestCase[] = [];
  for (const entry of parsed.cases) {
    if (entry.event.kind === 'event') {
      cases.push({ ...entry, event: entry.event.event });
      continue;
    }
    const written = entry.event.path;
    const eventFile = path.resolve(path.dirname(file), written);
    const read = await readEventFile(eventFile);
    if ('event' in read) cases.push({ ...entry, event: read.event, eventFile });
    else
      errors.push(
        ...read.problems.map((problem) => ({
          file,
          ...entry.eventAt,
          path: `cases[${entry.index}].event`,
          message: `${written}: ${problem}`,
        })),
      );
  }
  return errors.length ? { ok: false, file, errors: errors.sort(byPosition) } : { ok: true, file, cases };
}

async function readEventFile(file: string): Promise<{ event: ConnectFailureEvent } | { problems: string[] }> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    return {
      problems: [
        `cannot read the event: ${notFound(err) ? `no such file (${file})` : (err as Error).message}`,
      ],
    };
  }
  const result = validateFailureEvent(raw);
  if (result.ok) return { event: result.event };
  return {
    problems: result.errors.map((error) => `not a valid failure event: ${formatValidationError(error)}`),
  };
}
