/**
 * Bounds what the validator will look at before any schema runs. Events are three levels deep; a
 * hostile or broken sender can nest thousands of levels (JSON.parse copes, but recursive code such
 * as JSON.stringify in the Temporal payload converter would not) or send `__proto__` keys that turn
 * into prototype changes when an object is copied. The walk is iterative, so it cannot blow the
 * stack itself, and it stops at the first problem. Pure (workflow-safe).
 */
import { jsonPath, type PathSegment } from './json-path';

/** AWS events are 3 levels deep; 32 leaves room for whatever AWS adds without inviting abuse. */
export const MAX_NESTING_DEPTH = 32;
/** A 256 KB event of tiny values holds well under this many; it caps the walk's work. */
export const MAX_JSON_VALUES = 50_000;

export interface GuardProblem {
  path: string;
  expected: string;
  found: string;
}

const tooManyValues: GuardProblem = {
  path: '$',
  expected: `at most ${MAX_JSON_VALUES} JSON values in one event`,
  found: 'more',
};

export function guardInputShape(input: unknown): GuardProblem | undefined {
  const pending: { value: unknown; path: PathSegment[] }[] = [{ value: input, path: [] }];
  let seen = 1;
  while (pending.length > 0) {
    const { value, path } = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    // Counted before queueing, so a million-item array is refused without a million-entry queue.
    seen += Array.isArray(value) ? value.length : Object.keys(value).length;
    if (seen > MAX_JSON_VALUES) return tooManyValues;
    if (path.length >= MAX_NESTING_DEPTH) {
      return {
        path: jsonPath(holderOf(path)),
        expected: `at most ${MAX_NESTING_DEPTH} levels of nesting`,
        found: `nesting deeper than ${MAX_NESTING_DEPTH} levels`,
      };
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push({ value: item, path: [...path, index] }));
      continue;
    }
    for (const key of Object.keys(value)) {
      if (key === '__proto__') {
        return {
          path: jsonPath([...path, key]),
          expected: 'no "__proto__" keys',
          found: 'a "__proto__" key',
        };
      }
      pending.push({ value: (value as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return undefined;
}

/**
 * The field a person should look at: events are `$.detail.<field>` deep, so the first two names of
 * the path (a 32-level path would only be noise).
 */
function holderOf(path: readonly PathSegment[]): PathSegment[] {
  const holder = path.slice(0, 2);
  while (typeof holder[holder.length - 1] === 'number') holder.pop();
  return holder;
}
