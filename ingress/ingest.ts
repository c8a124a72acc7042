/**
 * What happens to a list of delivered items, shared by `POST /events` and `connect-remediator
 * submit`: each is validated (and size-checked), then every valid one gets its run started. Items
 * are independent — one bad event never holds back a good one — and each gets its own result.
 */
import type { Client } from '@temporalio/client';
import type { ConnectFailureEvent, ParsedAdditionalInfo } from '../events/types';
import { validateFailureEvent, type ValidationError } from '../events/validate';
import {
  isTemporalUnavailable,
  startRemediation,
  type ReceivedVia,
  type StartOutcome,
  type StartTarget,
} from './start-remediation';
import { remediationWorkflowId } from '../workflows/definitions';
import { mapConcurrent } from './map-concurrent';

/** EventBridge's maximum event size. */
export const MAX_EVENT_BYTES = 256 * 1024;

export type RejectReason = 'invalid' | 'too-large';
export type FailReason = 'temporal-unavailable' | 'temporal-error';

export type Admission =
  | { index: number; ok: true; event: ConnectFailureEvent; warnings: string[] }
  | { index: number; ok: false; reason: RejectReason; errors: ValidationError[] };

export type ItemResult =
  | ({ index: number; warnings?: string[] } & StartOutcome)
  | { index: number; status: 'rejected'; reason: RejectReason; errors: ValidationError[] }
  | {
      index: number;
      status: 'failed';
      reason: FailReason;
      eventId: string;
      workflowId: string;
      message: string;
    };

/**
 * Validates each item. `checkEachSize`: measure every item against MAX_EVENT_BYTES (callers that
 * already measured a single raw body pass false).
 */
export function admitEvents(items: readonly unknown[], checkEachSize: boolean): Admission[] {
  return items.map((item, index): Admission => {
    const validation = validateFailureEvent(item);
    if (!validation.ok) return { index, ok: false, reason: 'invalid', errors: validation.errors };
    if (checkEachSize) {
      // Validation bounded the nesting, so serialising cannot recurse out of stack.
      const bytes = Buffer.byteLength(JSON.stringify(item));
      if (bytes > MAX_EVENT_BYTES) {
        return { index, ok: false, reason: 'too-large', errors: [tooLarge(bytes)] };
      }
    }
    return {
      index,
      ok: true,
      event: validation.event,
      warnings: additionalInfoWarnings(validation.additionalInfo),
    };
  });
}

export function tooLarge(bytes: number): ValidationError {
  return {
    path: '$',
    expected: `an event of at most ${MAX_EVENT_BYTES} bytes (the EventBridge maximum)`,
    found: `${bytes} bytes`,
  };
}

function additionalInfoWarnings(info: ParsedAdditionalInfo): string[] {
  if (info.status === 'parsed') return [];
  if (info.status === 'absent')
    return ['$.detail.additionalInfo is absent: remediating without AWS retry hints'];
  return [`$.detail.additionalInfo is malformed (${info.problem}): kept raw, remediating without it`];
}

export type Rejection = Extract<Admission, { ok: false }>;

export function rejectedResult({ index, reason, errors }: Rejection): ItemResult {
  return { index, status: 'rejected', reason, errors };
}

export interface StartOptions {
  client: Client;
  target: StartTarget;
  via: ReceivedVia;
  /** Give up on one start after this long, so the caller can still answer "retry later" in time. */
  startTimeoutMs: number;
  concurrency: number;
}

export async function startAdmitted(
  admissions: readonly Admission[],
  options: StartOptions,
): Promise<ItemResult[]> {
  return mapConcurrent(admissions, options.concurrency, async (admission): Promise<ItemResult> => {
    const { index } = admission;
    if (!admission.ok)
      return { index, status: 'rejected', reason: admission.reason, errors: admission.errors };
    const { event, warnings } = admission;
    try {
      const outcome = await options.client.withDeadline(Date.now() + options.startTimeoutMs, () =>
        startRemediation(options.client, options.target, event, options.via),
      );
      return { index, ...outcome, ...(warnings.length ? { warnings } : {}) };
    } catch (err) {
      return {
        index,
        status: 'failed',
        reason: isTemporalUnavailable(err) ? 'temporal-unavailable' : 'temporal-error',
        eventId: event.id,
        workflowId: remediationWorkflowId(event.id),
        message: (err as Error).message,
      };
    }
  });
}
