// The table itself, after each kind of write: a user and its email guard always come and go together.
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../../lambda/store/dynamodb-client';
import { DynamoDbUserRepository } from '../../lambda/store/user-repository';
import { EmailTakenError } from '../../lambda/users/errors';
import { StaleVersionError } from '../../lambda/users/repository';
import type { StoredUser } from '../../lambda/users/user';
import { createTestTable, deleteTestTable, testDocumentClient } from '../support/tables';

const newUser = (email: string): StoredUser => ({
  id: randomUUID(),
  email,
  name: 'Stored',
  role: 'user',
  emailVerified: false,
  passwordHash: '$2b$10$0123456789012345678901u0123456789012345678901234567890',
  tokenVersion: 0,
  lastLogin: null,
  createdAt: '2026-11-28T12:00:00.000Z',
  updatedAt: '2026-11-28T12:00:00.000Z',
  version: 1,
});

describe('DynamoDbUserRepository', () => {
  let tableName: string;
  let repository: DynamoDbUserRepository;
  beforeAll(async () => {
    tableName = await createTestTable('repository');
    repository = new DynamoDbUserRepository({ tableName: tableName, client: testDocumentClient() });
  });
  afterAll(async () => {
    await deleteTestTable(tableName);
  });

  /** Every user's email has a guard pointing back at it, and every guard has its user. */
  const expectConsistentTable = async () => {
    const { Items = [] } = await dynamoDbClient().send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true }),
    );
    const users = Items.filter((item) => item.email);
    const guards = Items.filter((item) => item.id?.S?.startsWith('email#'));
    expect(guards.map((guard) => [guard.id?.S, guard.owner_id?.S]).sort()).toEqual(
      users.map((user) => [`email#${user.email?.S}`, user.id?.S]).sort(),
    );
    return { users, guards };
  };

  it('writes a user with its guard, and refuses a second user with the same email', async () => {
    const first = newUser('one@example.com');
    await repository.create(first);

    await expect(repository.create(newUser('one@example.com'))).rejects.toBeInstanceOf(EmailTakenError);
    const { users } = await expectConsistentTable();
    expect(users.map((user) => user.id?.S)).toContain(first.id);
    expect(await repository.getByEmail('one@example.com')).toMatchObject({ id: first.id });
  });

  it('moves the guard with the email, in one transaction', async () => {
    const user = newUser('two@example.com');
    await repository.create(user);

    await repository.replace(user, { ...user, email: 'three@example.com', version: 2 });

    await expectConsistentTable();
    expect(await repository.getByEmail('two@example.com')).toBeUndefined();
    expect(await repository.getByEmail('three@example.com')).toMatchObject({ id: user.id, version: 2 });
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

  it('counts login failures atomically and starts over once a record has expired', async () => {
    const at = new Date().toISOString();
    await Promise.all(
      Array.from({ length: 8 }, () => repository.addLoginFailure('eight@example.com', at, 60)),
    );

    expect((await repository.getLoginFailures('eight@example.com'))?.count).toBe(8);
    const expired = await repository.addLoginFailure('nine@example.com', at, -10);
    const fresh = await repository.addLoginFailure('nine@example.com', at, 60);
    expect([expired.count, fresh.count]).toEqual([1, 1]);
  });
});
