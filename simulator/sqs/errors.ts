/**
 * Amazon SQS errors on the AWS JSON 1.0 wire, in its query-compatible form: the body names the
 * error shape (`com.amazonaws.sqs#QueueDoesNotExist`), and `x-amzn-query-error` carries the code
 * the older query protocol used (`AWS.SimpleQueueService.NonExistentQueue;Sender`), which the SDK
 * reports as `error.Code`. Codes and statuses are those of the service model in @aws-sdk/client-sqs.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';

interface SqsErrorInfo {
  status: number;
  /** The query-protocol code; absent when it is the shape name itself. */
  queryCode?: string;
  fault?: 'Sender' | 'Receiver';
}

const SQS_ERRORS = {
  QueueDoesNotExist: { status: 400, queryCode: 'AWS.SimpleQueueService.NonExistentQueue' },
  QueueNameExists: { status: 400 },
  ReceiptHandleIsInvalid: { status: 404 },
  MessageNotInflight: { status: 400, queryCode: 'AWS.SimpleQueueService.MessageNotInflight' },
  BatchEntryIdsNotDistinct: { status: 400, queryCode: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct' },
  EmptyBatchRequest: { status: 400, queryCode: 'AWS.SimpleQueueService.EmptyBatchRequest' },
  TooManyEntriesInBatchRequest: {
    status: 400,
    queryCode: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
  },
  InvalidBatchEntryId: { status: 400, queryCode: 'AWS.SimpleQueueService.InvalidBatchEntryId' },
  InvalidAttributeName: { status: 400 },
  InvalidAttributeValue: { status: 400 },
  InvalidParameterValue: { status: 400 },
  MissingParameter: { status: 400 },
  UnsupportedOperation: { status: 400, queryCode: 'AWS.SimpleQueueService.UnsupportedOperation' },
  InternalError: { status: 500, fault: 'Receiver' },
} satisfies Record<string, SqsErrorInfo>;

export type SqsErrorName = keyof typeof SQS_ERRORS;

export class SqsError extends Error {
  readonly status: number;

  constructor(
    readonly errorName: SqsErrorName,
    message: string,
  ) {
    super(message);
    this.name = 'SqsError';
    this.status = (SQS_ERRORS[errorName] as SqsErrorInfo).status;
  }

  get queryError(): string {
    const info: SqsErrorInfo = SQS_ERRORS[this.errorName];
    return `${info.queryCode ?? this.errorName};${info.fault ?? 'Sender'}`;
  }
}

export const CONTENT_TYPE = 'application/x-amz-json-1.0';

export function sendSqsResult(reply: FastifyReply, body: unknown): FastifyReply {
  return reply
    .code(200)
    .header('x-amzn-RequestId', randomUUID())
    .header('content-type', CONTENT_TYPE)
    .send(Buffer.from(JSON.stringify(body)));
}

export function sendSqsError(reply: FastifyReply, error: SqsError): FastifyReply {
  return reply
    .code(error.status)
    .header('x-amzn-RequestId', randomUUID())
    .header('x-amzn-query-error', error.queryError)
    .header('content-type', CONTENT_TYPE)
    .send(
      Buffer.from(JSON.stringify({ __type: `com.amazonaws.sqs#${error.errorName}`, message: error.message })),
    );
}
