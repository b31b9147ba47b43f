// The email guard items: one per email, owned by one user, written in the same transaction as the
// user, so that two users never hold one email and a look-up by email is strongly consistent.
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredUser } from '../users/user';
import { emailGuardItem, emailGuardKey, isAbsent, isOwnedBy, ownerOfGuard } from './items/user-items';
import type { TransactionPart } from './transactions';
import { orUnavailable } from './unavailable';

export const putGuard = (tableName: string, user: StoredUser): TransactionPart => ({
  Put: { TableName: tableName, Item: emailGuardItem(user), ...isAbsent },
});

export const deleteGuard = (tableName: string, user: StoredUser): TransactionPart => ({
  Delete: { TableName: tableName, Key: emailGuardKey(user.email), ...isOwnedBy(user.id) },
});

/** The id of the user that holds `email`, if any (strongly consistent). */
export const guardOwner = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  email: string,
): Promise<string | undefined> => {
  const { Item: guard } = await orUnavailable(
    client.send(new GetCommand({ TableName: tableName, Key: emailGuardKey(email), ConsistentRead: true })),
  );
  return guard ? ownerOfGuard(guard) : undefined;
};
