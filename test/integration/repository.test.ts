// The table itself, after each kind of write: a user and its email guard always come and go together.
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { MalformedItemError } from '../../lambda/store/attributes';
import { createDocumentClient, createDynamoDbClient } from '../../lambda/store/dynamodb-client';
import { itemFromUser } from '../../lambda/store/items/user-items';
import { DynamoDbSessionRepository } from '../../lambda/store/session-repository';
import { DynamoDbUserRepository } from '../../lambda/store/user-repository';
import { EmailTakenError } from '../../lambda/users/errors';
import { StaleVersionError } from '../../lambda/users/repository';
import type { StoredUser } from '../../lambda/users/user';
import { localClientOptions } from '../../local/dynamodb-local';
import { createTestTable, deleteTestTable, harnessEndpoint, testDocumentClient } from '../support/tables';

const newUser = (email: string): StoredUser => ({
  id: randomUUID(),
  email,
  name: 'Stored',
  role: 'user',
  emailVerified: false,
  status: 'active',
  passwordHash: '$2b$10$0123456789012345678901u0123456789012345678901234567890',
  tokenVersion: 0,
  lastLogin: null,
  mfaEnabled: false,
  createdAt: '2026-11-28T12:00:00.000Z',
  updatedAt: '2026-11-28T12:00:00.000Z',
  version: 1,
});

interface SentCommand {
  readonly commandName: string;
  readonly input: unknown;
}

/** Records each command as it goes on the wire (marshalled), on a base client of its own. */
const recordCommands = (base: DynamoDBClient): SentCommand[] => {
  const sent: SentCommand[] = [];
  base.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({ commandName: String(context.commandName), input: args.input });
      return next(args);
    },
    { step: 'build', name: 'recordCommands' },
  );
  return sent;
};

describe('DynamoDbUserRepository', () => {
  let tableName: string;
  let client: DynamoDBDocumentClient;
  let repository: DynamoDbUserRepository;
  beforeAll(async () => {
    tableName = await createTestTable('repository');
    client = testDocumentClient();
    repository = new DynamoDbUserRepository({ tableName, client });
  });
  afterAll(async () => {
    await deleteTestTable(tableName);
  });

  /** Every user's email has a guard pointing back at it, and every guard has its user. */
  const expectConsistentTable = async () => {
    const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
    const users = Items.filter((item) => item.email);
    const guards = Items.filter((item) => String(item.id).startsWith('email#'));
    expect(guards.map((guard) => [guard.id, guard.owner_id]).sort()).toEqual(
      users.map((user) => [`email#${user.email}`, user.id]).sort(),
    );
    return { users, guards };
  };

  it('writes a user with its guard, and refuses a second user with the same email', async () => {
    const first = newUser('one@example.com');
    await repository.create(first);

    await expect(repository.create(newUser('one@example.com'))).rejects.toBeInstanceOf(EmailTakenError);
    const { users } = await expectConsistentTable();
    expect(users.map((user) => user.id)).toContain(first.id);
    expect(await repository.getByEmail('one@example.com')).toMatchObject({ id: first.id });
  });

  it('reads back exactly the user it wrote', async () => {
    const user = { ...newUser('round-trip@example.com'), tokenVersion: 3, version: 7 };
    await repository.create(user);

    expect(await repository.getById(user.id)).toEqual(user);
  });

  it('moves the guard with the email, in one transaction', async () => {
    const user = newUser('two@example.com');
    await repository.create(user);

    await repository.replace(user, { ...user, email: 'three@example.com', version: 2 });

    await expectConsistentTable();
    expect(await repository.getByEmail('two@example.com')).toBeUndefined();
    expect(await repository.getByEmail('three@example.com')).toMatchObject({ id: user.id, version: 2 });
  });

  it('refuses to move a user to an email another user has, and leaves both as they were', async () => {
    const owner = newUser('taken@example.com');
    const mover = newUser('mover@example.com');
    await Promise.all([repository.create(owner), repository.create(mover)]);

    await expect(
      repository.replace(mover, { ...mover, email: 'taken@example.com', version: 2 }),
    ).rejects.toBeInstanceOf(EmailTakenError);
    await expectConsistentTable();
    expect(await repository.getByEmail('taken@example.com')).toMatchObject({ id: owner.id });
    expect(await repository.getByEmail('mover@example.com')).toMatchObject({ id: mover.id, version: 1 });
  });

  it('refuses a write from a stale version and leaves the table as it was', async () => {
    const user = newUser('four@example.com');
    await repository.create(user);
    await repository.replace(user, { ...user, name: 'Newer', version: 2 });

    await expect(
      repository.replace(user, { ...user, email: 'five@example.com', version: 2 }),
    ).rejects.toBeInstanceOf(StaleVersionError);
    await expectConsistentTable();
    expect(await repository.getByEmail('five@example.com')).toBeUndefined();
  });

  it('deletes the user and its guard together', async () => {
    const user = newUser('six@example.com');
    await repository.create(user);

    await repository.delete(user);

    await expectConsistentTable();
    expect(await repository.getById(user.id)).toBeUndefined();
  });

  it('never reads a guard as a user', async () => {
    await repository.create(newUser('seven@example.com'));

    expect(await repository.getById('email#seven@example.com')).toBeUndefined();
  });

  it('refuses a stored user whose version is not a number instead of passing NaN on', async () => {
    const user = newUser('malformed@example.com');
    await client.send(
      new PutCommand({ TableName: tableName, Item: { ...itemFromUser(user), version: 'one' } }),
    );

    await expect(repository.getById(user.id)).rejects.toBeInstanceOf(MalformedItemError);
  });

  it('looks the email up through the guard with strongly consistent reads', async () => {
    const base = createDynamoDbClient(localClientOptions(harnessEndpoint()));
    const sent = recordCommands(base);
    const recorded = new DynamoDbUserRepository({ tableName, client: createDocumentClient(base) });
    const user = newUser('consistent@example.com');
    await recorded.create(user);
    sent.length = 0;

    expect(await recorded.getByEmail(user.email)).toMatchObject({ id: user.id });

    const gets = sent.filter((command) => command.commandName === 'GetItemCommand');
    expect(gets.map((command) => command.input)).toEqual([
      { TableName: tableName, Key: { id: { S: 'email#consistent@example.com' } }, ConsistentRead: true },
      { TableName: tableName, Key: { id: { S: user.id } }, ConsistentRead: true },
    ]);
    base.destroy();
  });

  it('reads the session and the user of every protected call with one strongly consistent batch', async () => {
    const base = createDynamoDbClient(localClientOptions(harnessEndpoint()));
    const sent = recordCommands(base);
    const sessions = new DynamoDbSessionRepository({ tableName, client: createDocumentClient(base) });
    const user = newUser('session-read@example.com');
    await repository.create(user);
    const sessionId = randomUUID();

    await sessions.getWithUser(sessionId, user.id);

    expect(sent.map((command) => command.commandName)).toEqual(['BatchGetItemCommand']);
    expect(sent[0]?.input).toEqual({
      RequestItems: {
        [tableName]: {
          Keys: [{ id: { S: `session#${sessionId}` } }, { id: { S: user.id } }],
          ConsistentRead: true,
        },
      },
    });
    base.destroy();
  });
});
