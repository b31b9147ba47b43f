// Seeds users for the list-scaling metric, fast: BatchWriteItem straight into the table, in the
// repository's own layout (lambda/store/items/user-items.ts): each user item beside its
// `email#<email>` guard. One bcrypt hash, made once, serves every seeded user: nobody logs in as them.
import { randomUUID } from 'node:crypto';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, createDynamoDbClient } from '../lambda/store/dynamodb-client';
import { emailGuardItem, itemFromUser } from '../lambda/store/items/user-items';
import { localClientOptions } from '../local/dynamodb-local';

type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

const BATCH = 25;
const PARALLEL = 8;
const MAX_ATTEMPTS = 8;

const userItems = (index: number, passwordHash: string, at: string) => {
  const user = {
    id: randomUUID(),
    email: `bench-${String(index).padStart(6, '0')}@example.com`,
    name: `Bench User ${index}`,
    role: 'user',
    passwordHash,
    status: 'active',
    tokenVersion: 0,
    version: 1,
    emailVerified: false,
    lastLogin: null,
    mfaEnabled: false,
    createdAt: at,
    updatedAt: at,
  } as const;
  return [itemFromUser(user), emailGuardItem(user)];
};

const writeBatch = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  requests: WriteRequest[],
): Promise<void> => {
  let pending = requests;
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > MAX_ATTEMPTS) throw new Error(`seeding: ${pending.length} items still unprocessed`);
    const { UnprocessedItems } = await client.send(
      new BatchWriteCommand({ RequestItems: { [tableName]: pending } }),
    );
    pending = UnprocessedItems?.[tableName] ?? [];
    if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
  }
};

/** Adds users number `from` to `to - 1` (each with its guard). */
export const seedUsers = async (
  endpoint: string,
  tableName: string,
  from: number,
  to: number,
  passwordHash: string,
): Promise<void> => {
  const at = new Date().toISOString();
  const requests: WriteRequest[] = [];
  for (let index = from; index < to; index++) {
    for (const Item of userItems(index, passwordHash, at)) requests.push({ PutRequest: { Item } });
  }
  const batches: WriteRequest[][] = [];
  for (let start = 0; start < requests.length; start += BATCH)
    batches.push(requests.slice(start, start + BATCH));
  const client = createDocumentClient(createDynamoDbClient(localClientOptions(endpoint)));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++] ?? [];
      await writeBatch(client, tableName, batch);
    }
  };
  try {
    await Promise.all(Array.from({ length: PARALLEL }, worker));
  } finally {
    client.destroy();
  }
};
