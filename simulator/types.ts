/**
 * The simulator's public data shapes, shared by the server, the admin client, tests and benchmarks.
 *
 * Resources that mirror AWS objects (instances, queues, flows, rules, task requests) keep AWS's
 * PascalCase field names, so a rule definition can be pasted from a real `DescribeRule` answer; the
 * simulator's own controls (config, faults, state bookkeeping) use camelCase.
 */
import { PUT_EVENTS_ENTRY_ERROR_CODES, type PutEventsEntryErrorCode } from '../events/reason-codes';

export type ConnectOperation =
  'StartTaskContact' | 'StopContact' | 'DescribeRule' | 'GetCurrentMetricData' | 'ListQueues';
export type EventBridgeOperation = 'PutEvents';
/** CloudWatch: the AWS/Connect metrics that tell an instance's applied active-tasks quota. */
export type CloudWatchOperation = 'GetMetricData';
export type SimulatedOperation = ConnectOperation | EventBridgeOperation | CloudWatchOperation;

export const CONNECT_OPERATIONS: readonly ConnectOperation[] = [
  'StartTaskContact',
  'StopContact',
  'DescribeRule',
  'GetCurrentMetricData',
  'ListQueues',
];
export const EVENTBRIDGE_OPERATIONS: readonly EventBridgeOperation[] = ['PutEvents'];
export const CLOUDWATCH_OPERATIONS: readonly CloudWatchOperation[] = ['GetMetricData'];
export const SIMULATED_OPERATIONS: readonly SimulatedOperation[] = [
  ...CONNECT_OPERATIONS,
  ...EVENTBRIDGE_OPERATIONS,
  ...CLOUDWATCH_OPERATIONS,
];

// ---------------------------------------------------------------------------------------------
// Resources (AWS shapes)

export interface QueueDefinition {
  Id: string;
  Name: string;
}

export interface ContactFlowDefinition {
  Id: string;
  Name: string;
  /** Queue the flow puts tasks in (the simulator never routes them); default: the instance's first queue. */
  QueueId?: string;
}

export interface TaskActionDefinition {
  Name: string;
  ContactFlowId: string;
  Description?: string;
  References?: Record<string, { Type: string; Value?: string }>;
}

export interface EventBridgeActionDefinition {
  Name: string;
}

export interface SendNotificationActionDefinition {
  DeliveryMethod: string;
  Subject?: string;
  Content: string;
  ContentType: string;
  Recipient: { UserTags?: Record<string, string>; UserIds?: string[] };
}

export interface RuleActionDefinition {
  ActionType: string;
  TaskAction?: TaskActionDefinition;
  EventBridgeAction?: EventBridgeActionDefinition;
  SendNotificationAction?: SendNotificationActionDefinition;
  /** Other action types (AssignContactCategoryAction, …) are passed through as given. */
  [definition: string]: unknown;
}

export interface RuleDefinition {
  RuleId: string;
  Name: string;
  TriggerEventSource: { EventSourceName: string; IntegrationAssociationId?: string };
  Function: string;
  Actions: RuleActionDefinition[];
  PublishStatus: string;
  Tags?: Record<string, string>;
}

export interface InstanceDefinition {
  Id: string;
  InstanceAlias?: string;
  /** Active-task quota of this instance; default: config.activeTaskQuota. */
  ActiveTaskQuota?: number;
  Queues: QueueDefinition[];
  ContactFlows: ContactFlowDefinition[];
  Rules: RuleDefinition[];
}

export interface SimulatorSeed {
  instances: InstanceDefinition[];
}

// ---------------------------------------------------------------------------------------------
// Configuration

export interface SimulatorConfig {
  /** Region and account used in ARNs the simulator hands out. */
  region: string;
  accountId: string;
  /** Active-task quota for instances that do not set their own (AWS default: 2500). */
  activeTaskQuota: number;
  /** Tasks that may share one PreviousContactId (AWS: 12). */
  linkedTasksLimit: number;
  /** Open tasks complete this long after creation; null = only when asked (StopContact, admin API). */
  taskLifetimeMs: number | null;
  /** How long a successful StartTaskContact's ClientToken is remembered (AWS: 7 days). */
  clientTokenTtlMs: number;
  /** Entries kept in the request log (a ring buffer: the oldest go first). */
  requestLogSize: number;
  /** Events kept per event bus (a ring buffer). */
  eventsPerBusLimit: number;
  /**
   * Event buses PutEvents accepts; null = any name (what AWS does: it accepts events for a bus that
   * does not exist and drops them; the simulator keeps them). With a list, other buses fail per
   * entry with ResourceNotFoundException.
   */
  knownEventBuses: string[] | null;
  /**
   * API rate limits in force for the account and Region, per operation (null = unlimited): AWS's
   * defaults unless changed. Set with a RateLimitsSetting.
   */
  rateLimits: RateLimits;
}

/** A token bucket: up to `burst` calls at once, refilled at `rate` calls per second. */
export interface RateLimit {
  /** Calls per second (> 0). */
  rate: number;
  /** Bucket size (an integer >= 1). */
  burst: number;
}

export type RateLimits = Record<SimulatedOperation, RateLimit | null>;

/**
 * How settings change the rate limits: `"off"` = every operation unlimited, `"aws"` = AWS's
 * defaults again, or per operation a limit or null (unlimited); operations not named keep theirs.
 */
export type RateLimitsSetting = 'off' | 'aws' | Partial<Record<SimulatedOperation, RateLimit | null>>;

/** What `POST /_sim/config` and `startSimulator({ config })` accept: any settings, to change. */
export type SimulatorConfigPatch = Partial<Omit<SimulatorConfig, 'rateLimits'>> & {
  rateLimits?: RateLimitsSetting;
};

// ---------------------------------------------------------------------------------------------
// Faults

export interface OperationErrorFault {
  operation: SimulatedOperation;
  /** AWS error name, e.g. ThrottlingException; its HTTP status follows what AWS sends. */
  error: string;
  message?: string;
  /** How many of the next calls fail (default 1). */
  count?: number;
}

export { PUT_EVENTS_ENTRY_ERROR_CODES, type PutEventsEntryErrorCode };

export interface PutEventsEntryFault {
  errorCode: PutEventsEntryErrorCode;
  errorMessage?: string;
  /** How many of the next otherwise-valid entries fail (default 1). */
  count?: number;
}

export interface FaultSpec {
  errors?: OperationErrorFault[];
  entryErrors?: PutEventsEntryFault[];
  /** Delay added before an operation answers; null removes it. */
  latencyMs?: Partial<Record<SimulatedOperation, number | null>>;
}

/** Faults still pending; `count` is how many calls (or entries) each has left. */
export interface FaultsView {
  errors: (OperationErrorFault & { count: number })[];
  entryErrors: (PutEventsEntryFault & { count: number })[];
  latencyMs: Partial<Record<SimulatedOperation, number>>;
}

// ---------------------------------------------------------------------------------------------
// State as the admin API reports it

export interface StartTaskContactRequestRecord {
  InstanceId: string;
  Name: string;
  Description?: string;
  ContactFlowId?: string;
  QuickConnectId?: string;
  TaskTemplateId?: string;
  Attributes?: Record<string, string>;
  References?: Record<string, { Type: string; Value?: string }>;
  ClientToken?: string;
  PreviousContactId?: string;
  RelatedContactId?: string;
  /** Epoch seconds, as the SDK sends it. */
  ScheduledTime?: number;
  /** Kept as sent (the simulator acts on neither). */
  SegmentAttributes?: Record<string, Record<string, unknown>>;
  Attachments?: { FileName: string; S3Url: string }[];
}

export type TaskCompletion = 'lifetime' | 'admin' | 'StopContact';
/** Who opened a task: a StartTaskContact call, or the admin API (`open-tasks`). */
export type TaskOrigin = 'StartTaskContact' | 'admin';

export interface SimulatedTask {
  contactId: string;
  instanceId: string;
  queueId: string;
  status: 'OPEN' | 'COMPLETED';
  createdBy: TaskOrigin;
  createdAt: string;
  completedAt?: string;
  completedBy?: TaskCompletion;
  request: StartTaskContactRequestRecord;
}

export interface StoredEvent {
  eventId: string;
  eventBusName: string;
  time: string;
  receivedAt: string;
  source: string;
  detailType: string;
  /** The entry's Detail, parsed (it is always a JSON object). */
  detail: Record<string, unknown>;
  resources: string[];
}

export interface RequestLogEntry {
  seq: number;
  /** When the call arrived (ISO 8601); `atMs` is the same instant in epoch milliseconds. */
  time: string;
  atMs: number;
  operation: SimulatedOperation | 'Unknown';
  status: number;
  /** AWS error name when the call failed as a whole. */
  error?: string;
  /** PutEvents: entries that failed while the call itself succeeded. */
  failedEntries?: number;
  durationMs: number;
}

/** Calls that arrived within one second (of those the request log still holds). */
export interface RequestsInSecond {
  /** Epoch seconds. */
  second: number;
  total: number;
  /** Answered ThrottlingException. */
  throttled: number;
}

export interface OperationCounts {
  total: number;
  succeeded: number;
  failed: number;
  errors: Record<string, number>;
}

export interface InstanceView extends InstanceDefinition {
  Arn: string;
  ActiveTaskQuota: number;
  openTasks: number;
  completedTasks: number;
  /** Most tasks open at the same time since the start (or the last reset). */
  peakOpenTasks: number;
}

export interface SimulatorStateSnapshot {
  config: SimulatorConfig;
  faults: FaultsView;
  instances: InstanceView[];
  tasks: SimulatedTask[];
  events: Record<string, StoredEvent[]>;
  requestCounts: Record<string, OperationCounts>;
  /** Calls that arrived and are not answered yet, per operation (none: left out). */
  requestsInProgress: Record<string, number>;
  requestLog: RequestLogEntry[];
}

/** `POST /_sim/instances/{id}/open-tasks`: tasks opened without a StartTaskContact call. */
export interface OpenTasksRequest {
  /** How many (1 to 100000). */
  count: number;
  /** The flow whose queue they wait in (default: the instance's first queue). */
  contactFlowId?: string;
  /** Or the queue itself. */
  queueId?: string;
  /** Task name (default "Opened by the admin API"). */
  name?: string;
}

export interface OpenTasksResult {
  instanceId: string;
  contactIds: string[];
  /** The instance's open tasks afterwards. */
  openTasks: number;
}

export interface StateQuery {
  /** Which tasks to include (default all). */
  tasks?: 'all' | 'open' | 'none';
  /** Only this instance's tasks. */
  instanceId?: string;
  /** The newest N request-log entries (default: the whole ring buffer). */
  log?: number;
}
