// The one place where a DynamoDB that is unreachable, throttling or failing becomes the error
// the domain knows as "unavailable" (a 503 at the edge). Every store call goes through it.
import {
  DynamoDBServiceException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { UnavailableError } from '../shared/errors';

const TRANSIENT = [
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
] as const;

/**
 * Awaits a DynamoDB call. Answers DynamoDB gives on purpose (a failed condition, a cancelled
 * transaction, a validation error) pass through; anything transient or no answer at all becomes unavailable.
 */
export const orUnavailable = async <T>(request: Promise<T>): Promise<T> => {
  try {
    return await request;
  } catch (error) {
    const transient = TRANSIENT.some((type) => error instanceof type);
    if (error instanceof DynamoDBServiceException && !transient) throw error;
    // The cause travels with the error; the router logs it once, at the edge.
    throw new UnavailableError('The user store is not answering right now; retry shortly.', [], {
      cause: error,
    });
  }
};
