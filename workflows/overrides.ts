/**
 * Operator overrides from a `retry` signal (`--override key=value`): flat string pairs mapped onto
 * the re-issue overrides. `attribute.<name>` sets a contact attribute, `reference.<name>` a URL
 * reference. Unknown keys are reported back, never guessed at.
 */
import type { ReissueOverrides } from '../policies/types';

const PLAIN_KEYS = ['contactFlowId', 'name', 'description', 'eventBusName', 'source', 'detailType'] as const;

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
    if ((PLAIN_KEYS as readonly string[]).includes(key)) {
      next[key as (typeof PLAIN_KEYS)[number]] = value;
    } else if (key.startsWith('attribute.') && key.length > 'attribute.'.length) {
      next.attributes![key.slice('attribute.'.length)] = value;
    } else if (key.startsWith('reference.') && key.length > 'reference.'.length) {
      next.references![key.slice('reference.'.length)] = { type: 'URL', value };
    } else {
      ignored.push(key);
    }
  }
  return { overrides: next, ignored };
}

export const OPERATOR_OVERRIDE_KEYS = [...PLAIN_KEYS, 'attribute.<name>', 'reference.<name>'];
