/**
 * The errors the simulator answers with, per service, with the HTTP status real AWS sends for each.
 * The SDK picks its exception class from the error name and reports the status in
 * `$metadata.httpStatusCode`, so both must match AWS exactly.
 */

export type AwsService = 'connect' | 'eventbridge';

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
  IdempotencyException: { status: 409, defaultMessage: 'An entity with the same name already exists.' },
  InternalServiceException: {
    status: 500,
    defaultMessage: 'Request processing failed because of an error or failure with the service.',
  },
  InvalidParameterException: {
    status: 400,
    defaultMessage: 'One or more of the specified parameters are not valid.',
  },
  InvalidRequestException: { status: 400, defaultMessage: 'The request is not valid.' },
  LimitExceededException: {
    status: 429,
    defaultMessage: 'The allowed limit for the resource has been exceeded.',
  },
  ResourceNotFoundException: { status: 404, defaultMessage: 'The specified resource was not found.' },
  ServiceQuotaExceededException: { status: 402, defaultMessage: 'The service quota has been exceeded.' },
  ThrottlingException: { status: 429, defaultMessage: 'Rate exceeded' },
} satisfies Record<string, ErrorInfo>;

/**
 * Amazon EventBridge (JSON 1.1): PutEvents itself documents only InternalException (500); the rest
 * are EventBridge's common errors, which AWS sends with status 400.
 */
export const EVENTBRIDGE_ERRORS = {
  AccessDeniedException: {
    status: 400,
    defaultMessage: 'You do not have sufficient access to perform this action.',
  },
  InternalException: { status: 500, defaultMessage: 'This exception occurs due to unexpected causes.' },
  LimitExceededException: {
    status: 400,
    defaultMessage: 'The request failed because it would cause you to exceed a limit.',
  },
  ResourceNotFoundException: { status: 400, defaultMessage: 'An entity that you specified does not exist.' },
  ThrottlingException: { status: 400, defaultMessage: 'Rate exceeded' },
  ValidationException: {
    status: 400,
    defaultMessage: 'The input fails to satisfy the constraints specified.',
  },
} satisfies Record<string, ErrorInfo>;

export type ConnectErrorName = keyof typeof CONNECT_ERRORS;
export type EventBridgeErrorName = keyof typeof EVENTBRIDGE_ERRORS;

/** Errors of the wire protocol itself, which no fault injection needs to produce. */
const PROTOCOL_ERRORS: Record<string, number> = {
  SerializationException: 400,
  UnknownOperationException: 404,
  RequestEntityTooLargeException: 413,
};

const CATALOGS: Record<AwsService, Record<string, ErrorInfo>> = {
  connect: CONNECT_ERRORS,
  eventbridge: EVENTBRIDGE_ERRORS,
};

export function knownErrorNames(service: AwsService): string[] {
  return Object.keys(CATALOGS[service]);
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
