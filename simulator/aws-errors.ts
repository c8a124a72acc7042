/**
 * The errors the simulator answers with, per service, with the HTTP status real AWS sends for each.
 * The SDK picks its exception class from the error name and reports the status in
 * `$metadata.httpStatusCode`, so both must match AWS exactly.
 */

import type { SimulatedOperation } from './types';

export type AwsService = 'connect' | 'eventbridge' | 'cloudwatch';

interface ErrorInfo {
  status: number;
  defaultMessage: string;
}

/** Amazon Connect (REST-JSON): statuses from the service model's @httpError traits. */
export const CONNECT_ERRORS = {
  AccessDeniedException: {
    status: 403,
    defaultMessage: 'You do not have sufficient access to perform this action.',
  },
  ContactNotFoundException: {
    status: 410,
    defaultMessage: 'The contact with the specified ID is not active or does not exist.',
  },
  InternalServiceException: {
    status: 500,
    defaultMessage: 'Request processing failed because of an error or failure with the service.',
  },
  InvalidActiveRegionException: {
    status: 400,
    defaultMessage: 'This operation is not supported in the current Region.',
  },
  InvalidParameterException: {
    status: 400,
    defaultMessage: 'One or more of the specified parameters are not valid.',
  },
  InvalidRequestException: { status: 400, defaultMessage: 'The request is not valid.' },
  ResourceNotFoundException: { status: 404, defaultMessage: 'The specified resource was not found.' },
  ServiceQuotaExceededException: { status: 402, defaultMessage: 'The service quota has been exceeded.' },
  ThrottlingException: { status: 429, defaultMessage: 'Rate exceeded' },
} satisfies Record<string, ErrorInfo>;

/**
 * Amazon EventBridge (JSON 1.1): PutEvents itself models only InternalException (500); the rest
 * are EventBridge's common errors (answered for any operation), which AWS sends with status 400.
 */
export const EVENTBRIDGE_ERRORS = {
  AccessDeniedException: {
    status: 400,
    defaultMessage: 'You do not have sufficient access to perform this action.',
  },
  InternalException: { status: 500, defaultMessage: 'This exception occurs due to unexpected causes.' },
  ThrottlingException: { status: 400, defaultMessage: 'Rate exceeded' },
  ValidationException: {
    status: 400,
    defaultMessage: 'The input fails to satisfy the constraints specified.',
  },
} satisfies Record<string, ErrorInfo>;

/**
 * Amazon CloudWatch (AWS JSON 1.0, query-compatible): GetMetricData models only InvalidNextToken;
 * the rest are CloudWatch's common errors (answered for any operation), status 400 or 500.
 */
export const CLOUDWATCH_ERRORS = {
  AccessDeniedException: {
    status: 400,
    defaultMessage: 'You do not have sufficient access to perform this action.',
  },
  InternalFailure: {
    status: 500,
    defaultMessage: 'The request processing has failed because of an unknown error, exception or failure.',
  },
  InvalidNextToken: { status: 400, defaultMessage: 'The next token specified is invalid.' },
  ThrottlingException: { status: 400, defaultMessage: 'Rate exceeded' },
  /** Query-compatible: CloudWatch's query protocol calls it ValidationError. */
  ValidationException: {
    status: 400,
    defaultMessage: 'The input fails to satisfy the constraints specified by an AWS service.',
  },
} satisfies Record<string, ErrorInfo>;

export type ConnectErrorName = keyof typeof CONNECT_ERRORS;
export type EventBridgeErrorName = keyof typeof EVENTBRIDGE_ERRORS;

/**
 * The errors each operation can answer, real or injected: the errors its service model lists for
 * it, plus those AWS's front door answers for any operation (the services' Common Errors pages:
 * throttling and IAM denial, and EventBridge's request validation). The contract test
 * (test/simulator/aws-model-contract.test.ts) holds this table to AWS's models.
 */
export const OPERATION_ERRORS: Record<SimulatedOperation, readonly string[]> = {
  StartTaskContact: [
    'InvalidRequestException',
    'InvalidParameterException',
    'ResourceNotFoundException',
    'ThrottlingException',
    'ServiceQuotaExceededException',
    'InternalServiceException',
    'AccessDeniedException',
  ],
  StopContact: [
    'InvalidRequestException',
    'ContactNotFoundException',
    'InvalidParameterException',
    'ResourceNotFoundException',
    'InternalServiceException',
    'InvalidActiveRegionException',
    'ThrottlingException',
    'AccessDeniedException',
  ],
  DescribeRule: [
    'InvalidRequestException',
    'ResourceNotFoundException',
    'InternalServiceException',
    'ThrottlingException',
    'AccessDeniedException',
  ],
  GetCurrentMetricData: [
    'InvalidRequestException',
    'InvalidParameterException',
    'InternalServiceException',
    'ThrottlingException',
    'ResourceNotFoundException',
    'AccessDeniedException',
  ],
  ListQueues: [
    'InvalidRequestException',
    'InvalidParameterException',
    'ResourceNotFoundException',
    'ThrottlingException',
    'InternalServiceException',
    'AccessDeniedException',
  ],
  PutEvents: ['InternalException', 'ThrottlingException', 'AccessDeniedException', 'ValidationException'],
  GetMetricData: [
    'InvalidNextToken',
    'ThrottlingException',
    'AccessDeniedException',
    'InternalFailure',
    'ValidationException',
  ],
};

/** Errors of the wire protocol itself, which no fault injection needs to produce. */
const PROTOCOL_ERRORS: Record<string, number> = {
  SerializationException: 400,
  UnknownOperationException: 404,
  RequestEntityTooLargeException: 413,
};

const CATALOGS: Record<AwsService, Record<string, ErrorInfo>> = {
  connect: CONNECT_ERRORS,
  eventbridge: EVENTBRIDGE_ERRORS,
  cloudwatch: CLOUDWATCH_ERRORS,
};

/** The errors an operation can answer, real or injected (OPERATION_ERRORS). */
export function operationErrorNames(operation: SimulatedOperation): readonly string[] {
  return OPERATION_ERRORS[operation];
}

/** The status and default message AWS uses for an error of a service. */
export function errorInfo(service: AwsService, errorName: string): ErrorInfo | undefined {
  return CATALOGS[service][errorName];
}

/** An error to answer with, exactly as AWS would send it. */
export class AwsError extends Error {
  readonly status: number;
  /**
   * The body member carrying the message in a REST-JSON (Connect) answer: the service's own errors
   * model `Message`; throttling by AWS's front door says `message`. (JSON 1.1 always says `message`.)
   */
  readonly messageMember: 'Message' | 'message';

  constructor(
    readonly service: AwsService,
    readonly errorName: string,
    message?: string,
    status?: number,
    options: { messageMember?: 'Message' | 'message' } = {},
  ) {
    const info = CATALOGS[service][errorName];
    super(message ?? info?.defaultMessage ?? errorName);
    this.name = 'AwsError';
    this.status = status ?? info?.status ?? PROTOCOL_ERRORS[errorName] ?? 400;
    this.messageMember = options.messageMember ?? 'Message';
  }
}

/**
 * A call over the account's rate limit, as AWS throttles it before the service sees it: Connect
 * answers 429 `{"message":"Rate exceeded"}`, EventBridge 400 `{"__type":"ThrottlingException",
 * "message":"Rate exceeded"}`; `x-amzn-ErrorType: ThrottlingException` either way.
 */
export const rateExceeded = (service: AwsService) =>
  new AwsError(service, 'ThrottlingException', 'Rate exceeded', undefined, { messageMember: 'message' });

export const connectError = (name: ConnectErrorName, message?: string) =>
  new AwsError('connect', name, message);
export const eventBridgeError = (name: EventBridgeErrorName, message?: string) =>
  new AwsError('eventbridge', name, message);
export const cloudWatchError = (name: keyof typeof CLOUDWATCH_ERRORS, message?: string) =>
  new AwsError('cloudwatch', name, message);
