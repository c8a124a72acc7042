/**
 * The rule's event pattern, from the same constants the ingress validates with (events/types.ts),
 * so the rule can never match a spelling the ingress refuses or miss one it accepts.
 */
import { DETAIL_TYPES, EVENT_SOURCE } from '../../events/types';

export const FAILURE_EVENT_PATTERN = {
  source: [EVENT_SOURCE],
  detailType: [...DETAIL_TYPES],
};
