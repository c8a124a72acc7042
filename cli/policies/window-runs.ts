/**
 * The failure events of the remediation runs a visibility query finds, read back from Temporal
 * for `policies diff`: the runs are listed page by page (1,000 per page, the server's maximum by
 * default), and each run's event is its workflow input, the first event of its history — read
 * with a page size of one, a bounded number at a time, while the next list page is fetched. Only
 * reads: nothing here signals, updates or otherwise touches a run.
 */
import { isGrpcServiceError, type Client } from '@temporalio/client';
import { fromPayloadsAtIndex, type Payload } from '@temporalio/common';
import type { ConnectFailureEvent } from '../../events/types';
import { validateFailureEvent, formatValidationError } from '../../events/validate';
import { mapConcurrent } from '../../ingress/map-concurrent';
import type { RemediationInput } from '../../workflows/definitions';

/** The server's default maximum page size for visibility lists (frontend.visibilityMaxPageSize). */
export const LIST_PAGE_SIZE = 1000;
/**
 * History reads in flight. Each is a small, fast call; 16 keep a dev server or a cluster's
 * frontend busy without coming near a namespace's default rate limits (hundreds per second on
 * Temporal Cloud, 2,400 by default self-hosted), which the client's retries would otherwise absorb.
 */
export const HISTORY_READ_PARALLELISM = 16;

/** gRPC NOT_FOUND: the run is gone (retention) between its listing and the read. */
const GRPC_NOT_FOUND = 5;

export interface RunRef {
  workflowId: string;
  runId: string;
}

export interface TemporalCalls {
  listPages: number;
  historyReads: number;
}

export interface SkippedRun extends RunRef {
  reason: string;
}

export interface WindowReadResult {
  calls: TemporalCalls;
  /** Runs listed (after de-duplication), at most the limit. */
  listed: number;
  skipped: SkippedRun[];
  /** The limit stopped the listing while the server had more pages. */
  limitReached: boolean;
}

export interface WindowReadOptions {
  query: string;
  limit: number;
  parallelism?: number;
  onEvent(run: RunRef, event: ConnectFailureEvent): void;
  onProgress?(progress: { listed: number; read: number }): void;
}

export async function readWindowRuns(client: Client, options: WindowReadOptions): Promise<WindowReadResult> {
  const namespace = client.options.namespace;
  const calls: TemporalCalls = { listPages: 0, historyReads: 0 };
  const skipped: SkippedRun[] = [];
  const seen = new Set<string>();
  let listed = 0;
  let read = 0;
  const progress = () => options.onProgress?.({ listed, read });

  const readOne = async (run: RunRef) => {
    const outcome = await readRunEvent(client, namespace, run);
    calls.historyReads++;
    read++;
    if ('event' in outcome) options.onEvent(run, outcome.event);
    else skipped.push({ ...run, reason: outcome.skipped });
    progress();
  };

  let token: Uint8Array | undefined;
  let reading: Promise<unknown> = Promise.resolve();
  let failure: { error: unknown } | undefined;
  let limitReached = false;
  do {
    const page = await client.workflowService.listWorkflowExecutions({
      namespace,
      query: options.query,
      pageSize: Math.min(LIST_PAGE_SIZE, options.limit - listed),
      ...(token ? { nextPageToken: token } : {}),
    });
    calls.listPages++;
    token = page.nextPageToken?.length ? page.nextPageToken : undefined;
    const runs: RunRef[] = [];
    for (const info of page.executions ?? []) {
      const workflowId = info.execution?.workflowId;
      const runId = info.execution?.runId;
      // One event per workflow id: a run listed twice (it closed while we paged) is read once.
      if (!workflowId || !runId || seen.has(workflowId) || listed >= options.limit) continue;
      seen.add(workflowId);
      runs.push({ workflowId, runId });
      listed++;
    }
    progress();
    // This page's reads start once the previous page's are done, and run while the next page is listed.
    // A failed read ends the listing, and is thrown once the reads in flight have settled.
    reading = reading
      .then(async () => {
        if (!failure) await mapConcurrent(runs, options.parallelism ?? HISTORY_READ_PARALLELISM, readOne);
      })
      .catch((error: unknown) => {
        failure ??= { error };
      });
    if (listed >= options.limit && token) limitReached = true;
  } while (token && listed < options.limit && !failure);
  await reading;
  if (failure) throw failure.error;
  return { calls, listed, skipped, limitReached };
}

type ReadOutcome = { event: ConnectFailureEvent } | { skipped: string };

async function readRunEvent(client: Client, namespace: string, run: RunRef): Promise<ReadOutcome> {
  let payloads: Payload[] | null | undefined;
  try {
    const history = await client.workflowService.getWorkflowExecutionHistory({
      namespace,
      execution: run,
      maximumPageSize: 1,
      skipArchival: true,
    });
    payloads = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  } catch (err) {
    if (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND)
      return { skipped: 'the run no longer exists (its retention ended)' };
    throw err;
  }
  if (!payloads?.length) return { skipped: 'its history has no workflow input' };
  let input: RemediationInput | undefined;
  try {
    const { payloadConverter, payloadCodecs } = client.options.loadedDataConverter;
    // Codecs encode in order, so they decode in reverse (as the SDK does).
    for (const codec of [...payloadCodecs].reverse()) payloads = await codec.decode(payloads);
    input = fromPayloadsAtIndex<RemediationInput>(payloadConverter, 0, payloads);
  } catch (err) {
    return { skipped: `its input cannot be decoded: ${(err as Error).message}` };
  }
  const result = validateFailureEvent(input?.event);
  if (!result.ok)
    return { skipped: `its input is not a failure event: ${formatValidationError(result.errors[0]!)}` };
  return { event: result.event };
}
