// The one place where a DynamoDB that is unreachable, throttling or failing becomes the error
// the domain knows as "unavailable" (a 503 at the edge).
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

/** Answers DynamoDB gives on purpose pass through; anything transient or no answer becomes unavailable. */
export const orUnavailable = async <T>(request: Promise<T>): Promise<T> => {
  try {
    return await request;
  } catch (error) {
    const transient = TRANSIENT.some((type) => error instanceof type);
    if (error instanceof DynamoDBServiceException && !transient) throw error;
    throw new UnavailableError('The user store is not answering right now; retry shortly.', [], {
      cause: error,
    });
  }
};
