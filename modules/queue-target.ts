/**
 * A queue taken by its ARN, and its KMS key when it has one (SSE-KMS): this project's
 * `SqsQueue`, or any queue managed elsewhere. Consumers are granted kms:Decrypt on the key,
 * senders kms:GenerateDataKey and kms:Decrypt.
 */
export interface QueueTarget {
  /** ARN of the queue. */
  readonly arn: string;
  /** The KMS key encrypting the queue. @default the queue is not KMS-encrypted */
  readonly kmsKeyArn?: string;
}
