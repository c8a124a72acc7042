/** Shapes of SQS messages and queues as the JSON protocol carries them. */

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  /** Base64 on the JSON wire. */
  BinaryValue?: string;
}

export interface StoredMessage {
  messageId: string;
  body: string;
  attributes: Record<string, MessageAttributeValue>;
  sentAtMs: number;
  /** Not receivable before this time (delay, or in flight until its visibility timeout ends). */
  visibleAtMs: number;
  receiveCount: number;
  firstReceivedAtMs?: number;
  /** The handle of the latest receive: only it deletes the message or changes its visibility. */
  receiptHandle?: string;
}

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}
