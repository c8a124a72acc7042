/**
 * PutEvents as EventBridge answers it: a malformed request fails as a whole, while each well-formed
 * entry succeeds (EventId) or fails on its own (ErrorCode, ErrorMessage), counted in FailedEntryCount.
 */
import { randomUUID } from 'node:crypto';
import { AwsError, eventBridgeError } from '../aws-errors';
import { parseJsonObject } from '../protocol';
import type { SimulatorState } from '../state';
import type { PutEventsEntryErrorCode, StoredEvent } from '../types';

const MAX_ENTRIES = 10;
/** The 256 KB limit on a PutEvents request's entries, counted as AWS does (UTF-8 bytes). */
export const MAX_ENTRIES_BYTES = 256 * 1024;
const MAX_SOURCE_LENGTH = 256;
const MAX_DETAIL_TYPE_LENGTH = 128;

type ResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

interface Entry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  /** Epoch seconds. */
  Time?: number;
  TraceHeader?: string;
}

const STRING_FIELDS = ['Source', 'DetailType', 'Detail', 'EventBusName', 'TraceHeader'] as const;

export function putEvents(state: SimulatorState, rawBody: unknown) {
  const entries = parseEntries(rawBody);
  const nowMs = state.now();
  const results = entries.map((entry) => acceptEntry(state, entry, nowMs));
  const FailedEntryCount = results.filter((result) => 'ErrorCode' in result).length;
  return { FailedEntryCount, Entries: results };
}

function parseEntries(rawBody: unknown): Entry[] {
  const body = parseJsonObject(rawBody);
  if (body === undefined) throw serializationError('The request body must be a JSON object');
  const entries = body.Entries;
  if (entries === undefined || entries === null) {
    throw validationError("Value null at 'entries' failed to satisfy constraint: Member must not be null");
  }
  if (!Array.isArray(entries)) throw serializationError('Entries: expected a list of entries');
  if (entries.length < 1 || entries.length > MAX_ENTRIES) {
    const bound = entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES}`;
    throw validationError(
      `Value at 'entries' failed to satisfy constraint: Member must have length ${bound}`,
    );
  }
  entries.forEach(checkEntryTypes);
  (entries as Entry[]).forEach(checkEntryConstraints);
  const totalBytes = (entries as Entry[]).reduce((sum, entry) => sum + entrySize(entry), 0);
  if (totalBytes > MAX_ENTRIES_BYTES) {
    throw eventBridgeError(
      'ValidationException',
      'Total size of the entries in the request is over the limit.',
    );
  }
  return entries as Entry[];
}

/** Wrong JSON types are a deserialization failure of the whole request, as in AWS. */
function checkEntryTypes(entry: unknown, index: number): asserts entry is Entry {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw serializationError(`Entries[${index}]: expected an entry object`);
  }
  const fields = entry as Record<string, unknown>;
  for (const field of STRING_FIELDS) {
    if (fields[field] !== undefined && fields[field] !== null && typeof fields[field] !== 'string') {
      throw serializationError(`Entries[${index}].${field}: expected a string`);
    }
  }
  const resources = fields.Resources;
  if (resources != null && (!Array.isArray(resources) || resources.some((r) => typeof r !== 'string'))) {
    throw serializationError(`Entries[${index}].Resources: expected a list of strings`);
  }
  if (fields.Time != null && (typeof fields.Time !== 'number' || !Number.isFinite(fields.Time))) {
    throw serializationError(`Entries[${index}].Time: expected a timestamp (epoch seconds)`);
  }
}

/** The service model's constraints on entry members: a breach fails the whole request, as in AWS. */
const EVENT_BUS_NAME = /^(arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[.\-_A-Za-z0-9]+$/;

function checkEntryConstraints(entry: Entry, index: number): void {
  const at = (member: string) => `at 'entries.${index + 1}.member.${member}'`;
  const bus = entry.EventBusName;
  if (bus != null) {
    if (bus.length < 1 || bus.length > 1600) {
      throw validationError(
        `Value ${at('eventBusName')} failed to satisfy constraint: Member must have length ${bus.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 1600'}`,
      );
    }
    if (!EVENT_BUS_NAME.test(bus)) {
      throw validationError(
        `Value '${bus}' ${at('eventBusName')} failed to satisfy constraint: Member must satisfy regular expression pattern: ${EVENT_BUS_NAME.source}`,
      );
    }
  }
  const trace = entry.TraceHeader;
  if (trace != null && (trace.length < 1 || trace.length > 500)) {
    throw validationError(
      `Value ${at('traceHeader')} failed to satisfy constraint: Member must have length between 1 and 500`,
    );
  }
  (entry.Resources ?? []).forEach((resource, item) => {
    if (resource.length > 2048) {
      throw validationError(
        `Value ${at(`resources.${item + 1}.member`)} failed to satisfy constraint: Member must have length less than or equal to 2048`,
      );
    }
  });
}

/** How EventBridge sizes an entry: Time (14 bytes) + Source + DetailType + Detail + Resources. */
function entrySize(entry: Entry): number {
  let bytes = entry.Time != null ? 14 : 0;
  for (const text of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (text) bytes += Buffer.byteLength(text);
  }
  return bytes;
}

function acceptEntry(state: SimulatorState, entry: Entry, nowMs: number): ResultEntry {
  const problem = entryProblem(state, entry);
  if (problem) return problem;
  const fault = state.faults.takeEntryFault();
  if (fault) {
    return {
      ErrorCode: fault.errorCode,
      ErrorMessage: fault.errorMessage ?? ENTRY_FAULT_MESSAGES[fault.errorCode],
    };
  }
  const event: StoredEvent = {
    eventId: randomUUID(),
    eventBusName: busNameOf(entry.EventBusName),
    time: new Date(entry.Time != null ? entry.Time * 1000 : nowMs).toISOString(),
    receivedAt: new Date(nowMs).toISOString(),
    source: entry.Source!,
    detailType: entry.DetailType!,
    detail: JSON.parse(entry.Detail!) as Record<string, unknown>,
    resources: entry.Resources ?? [],
  };
  state.events.add(event);
  return { EventId: event.eventId };
}

function entryProblem(state: SimulatorState, entry: Entry): ResultEntry | undefined {
  for (const field of ['Source', 'DetailType', 'Detail'] as const) {
    if (!entry[field]) {
      return invalidArgument(field, `${field} is a required argument.`);
    }
  }
  if (entry.Source!.length > MAX_SOURCE_LENGTH) {
    return invalidArgument('Source', `Source must have length less than or equal to ${MAX_SOURCE_LENGTH}.`);
  }
  if (entry.DetailType!.length > MAX_DETAIL_TYPE_LENGTH) {
    return invalidArgument(
      'DetailType',
      `DetailType must have length less than or equal to ${MAX_DETAIL_TYPE_LENGTH}.`,
    );
  }
  if (!isJsonObjectText(entry.Detail!))
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  // Only AWS services may publish with an aws.* source.
  if (entry.Source!.startsWith('aws.')) {
    return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
  }
  const known = state.config.knownEventBuses;
  const bus = busNameOf(entry.EventBusName);
  if (known !== null && !known.includes(bus)) {
    return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` };
  }
  return undefined;
}

const ENTRY_FAULT_MESSAGES: Record<PutEventsEntryErrorCode, string> = {
  InternalFailure: 'Internal service failure.',
  ThrottlingException: 'Rate exceeded.',
  AccessDeniedException: 'You do not have sufficient access to perform this action.',
  InvalidAccountIdException: 'The account ID provided is not valid.',
  InvalidArgument: 'A specified parameter is not valid.',
  MalformedDetail: 'Detail is malformed.',
  RedactionFailure: 'Redacting the CloudTrail event failed.',
  NotAuthorizedForSourceException: 'Not authorized for the source.',
  NotAuthorizedForDetailTypeException: 'Not authorized for the detail type.',
};

/** EventBusName may be a name or an ARN; absent means the account's "default" bus. */
export function busNameOf(nameOrArn: string | undefined): string {
  if (!nameOrArn) return 'default';
  const match = /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(nameOrArn);
  return match?.[1] ?? nameOrArn;
}

function isJsonObjectText(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

const invalidArgument = (field: string, reason: string): ResultEntry => ({
  ErrorCode: 'InvalidArgument',
  ErrorMessage: `Parameter ${field} is not valid. Reason: ${reason}`,
});

const validationError = (constraint: string) =>
  eventBridgeError('ValidationException', `1 validation error detected: ${constraint}`);

const serializationError = (message: string) =>
  new AwsError('eventbridge', 'SerializationException', message);
