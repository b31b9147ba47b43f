// Seeds users for the list-scaling metric, fast: BatchWriteItem straight into the table, in the
// repository's layout (lambda/store/user-repository.ts): each user item beside its
// `email#<email>` guard. One bcrypt hash, made once, serves every seeded user: nobody logs in as them.
import { randomUUID } from 'node:crypto';
import { type AttributeValue, BatchWriteItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../lambda/store/dynamodb-client';

const BATCH = 25;
const PARALLEL = 8;
const MAX_ATTEMPTS = 8;

const userItems = (index: number, passwordHash: string, at: string): Record<string, AttributeValue>[] => {
  const id = randomUUID();
  const email = `bench-${String(index).padStart(6, '0')}@example.com`;
  return [
    {
      id: { S: id },
      email: { S: email },
      name: { S: `Bench User ${index}` },
      role: { S: 'user' },
      password_hash: { S: passwordHash },
      token_version: { N: '0' },
      version: { N: '1' },
      last_login: { NULL: true },
      created_at: { S: at },
      updated_at: { S: at },
    },
    { id: { S: `email#${email}` }, owner_id: { S: id } },
  ];
};

const writeBatch = async (tableName: string, requests: WriteRequest[]): Promise<void> => {
  let pending = requests;
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > MAX_ATTEMPTS) throw new Error(`seeding: ${pending.length} items still unprocessed`);
    const { UnprocessedItems } = await dynamoDbClient().send(
      new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }),
    );
    pending = UnprocessedItems?.[tableName] ?? [];
    if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
  }
};

/** Adds users number `from` to `to - 1` (each with its guard). */
export const seedUsers = async (
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
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++] ?? [];
      await writeBatch(tableName, batch);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
};
