// Transactions built from named parts, so that a cancellation says by name which part's
// condition failed. DynamoDB reports CancellationReasons in the order of the items; the names
// are mapped onto that order here and nowhere else.
import { TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { orUnavailable } from './unavailable';

export type TransactionPart = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const MAX_ATTEMPTS = 5;

/** The parts, by name, whose condition failed in a cancelled transaction (none for any other error). */
export const failedConditions = <K extends string>(names: readonly K[], error: unknown): K[] =>
  error instanceof TransactionCanceledException
    ? names.filter((_, index) => error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed')
    : [];

/** Cancelled because another transaction held one of the items, not because a condition failed. */
const conflicted = (error: unknown): boolean =>
  error instanceof TransactionConflictException ||
  (error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict') &&
    !(error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed'));

/**
 * Writes all parts or none. When parts' conditions fail, the first of them (in the parts' order)
 * that `onConditionFailed` names decides the error thrown; a failure it does not name is rethrown
 * as DynamoDB gave it. A conflict with another transaction is retried, so that the caller sees
 * the real outcome (usually: the condition now fails).
 */
export const writeTransaction = async <K extends string>(
  client: DynamoDBDocumentClient,
  parts: Record<K, TransactionPart>,
  onConditionFailed: Partial<Record<NoInfer<K>, () => Error>>,
): Promise<void> => {
  const names = Object.keys(parts) as K[];
  const TransactItems = names.map((name) => parts[name]);
  for (let attempt = 1; ; attempt++) {
    try {
      await orUnavailable(client.send(new TransactWriteCommand({ TransactItems })));
      return;
    } catch (error) {
      if (conflicted(error) && attempt < MAX_ATTEMPTS) {
        await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
        continue;
      }
      const named = failedConditions(names, error).find((name) => onConditionFailed[name]);
      const toError = named === undefined ? undefined : onConditionFailed[named];
      throw toError ? toError() : error;
    }
  }
};
