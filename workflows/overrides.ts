/**
 * Operator overrides from a `retry` signal (`--override key=value`): flat string pairs mapped onto
 * the re-issue overrides. `attribute.<name>` sets a contact attribute, `reference.<name>` a URL
 * reference. Unknown keys are reported back, never guessed at.
 */
import { PLAIN_OVERRIDE_KEYS, type PlainOverrideKey } from '../policies/operator-decision';
import type { ReissueOverrides } from '../policies/types';

/** Names every object has: as a map key they would read or replace what is inherited. */
const INHERITED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

export function applyOperatorOverrides(
  current: ReissueOverrides,
  pairs: Record<string, string>,
): { overrides: ReissueOverrides; ignored: string[] } {
  const next: ReissueOverrides = {
    ...current,
    attributes: { ...current.attributes },
    references: { ...current.references },
  };
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(pairs)) {
    const name = key.slice(key.indexOf('.') + 1);
    const usableName = name.length > 0 && !INHERITED_NAMES.has(name);
    if ((PLAIN_OVERRIDE_KEYS as readonly string[]).includes(key)) {
      next[key as PlainOverrideKey] = value;
    } else if (key.startsWith('attribute.') && usableName) {
      next.attributes![name] = value;
    } else if (key.startsWith('reference.') && usableName) {
      next.references![name] = { type: 'URL', value };
    } else {
      ignored.push(key);
    }
  }
  return { overrides: next, ignored };
}
