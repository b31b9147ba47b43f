// The store's pure parts: item readers that refuse a malformed item, named transaction parts,
// and one document client per base client.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { MalformedItemError } from '../../lambda/store/attributes';
import { createDocumentClient, createDynamoDbClient } from '../../lambda/store/dynamodb-client';
import { loginFailuresFromItem } from '../../lambda/store/items/login-failure-items';
import { itemFromUser, profileFromItem, userFromItem } from '../../lambda/store/items/user-items';
import { failedConditions } from '../../lambda/store/transactions';
import type { StoredUser } from '../../lambda/users/user';

const user: StoredUser = {
  id: 'c0ffee00-0000-4000-8000-000000000001',
  email: 'reader@example.com',
  name: 'Reader',
  role: 'admin',
  emailVerified: true,
  status: 'active',
  passwordHash: '$2b$10$0123456789012345678901u0123456789012345678901234567890',
  tokenVersion: 2,
  lastLogin: '2026-11-28T12:00:00.000Z',
  mfaEnabled: false,
  createdAt: '2026-11-28T11:00:00.000Z',
  updatedAt: '2026-11-28T12:00:00.000Z',
  version: 5,
};

describe('user items', () => {
  it('read back as the user they were made from', () => {
    expect(userFromItem(itemFromUser(user))).toEqual(user);
    expect(userFromItem(itemFromUser({ ...user, lastLogin: null })).lastLogin).toBeNull();
  });

  it.each([
    ['a missing attribute', { token_version: undefined }, /token_version is not a number/],
    ['a number stored as a string', { version: '5' }, /version is not a number/],
    ['a role that is not a string', { role: 7 }, /role is not a string/],
  ])('are refused with %s', (_, change, message) => {
    const item = { ...itemFromUser(user), ...change };

    expect(() => userFromItem(item)).toThrow(MalformedItemError);
    expect(() => userFromItem(item)).toThrow(message);
  });

  it('read a role that is not ours as the least one, user: a corrupt item grants nothing', () => {
    expect(userFromItem({ ...itemFromUser(user), role: 'root' }).role).toBe('user');
    expect(userFromItem({ ...itemFromUser(user), role: 'Admin' }).role).toBe('user');
  });

  it('read an absent last_login (an item older than the attribute) as never logged in', () => {
    expect(userFromItem({ ...itemFromUser(user), last_login: undefined }).lastLogin).toBeNull();
  });

  it('never name the value of a bad attribute in the error', () => {
    const item = { ...itemFromUser(user), name: { secret: 'value' } };

    expect(() => profileFromItem(item)).toThrow(/^Stored user item: attribute name is not a string$/);
  });
});

describe('login-failure items', () => {
  it('are refused when the count is missing', () => {
    expect(() => loginFailuresFromItem({ last_failed_at: '2026-11-28T12:00:00.000Z' })).toThrow(
      MalformedItemError,
    );
  });
});

describe('named transaction parts', () => {
  const cancelled = (...codes: string[]) =>
    new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons: codes.map((Code) => ({ Code })),
    });

  it('name the parts whose condition failed, in the order the items were sent', () => {
    const names = ['user', 'oldGuard', 'newGuard'] as const;

    expect(failedConditions(names, cancelled('None', 'None', 'ConditionalCheckFailed'))).toEqual([
      'newGuard',
    ]);
    expect(failedConditions(names, cancelled('ConditionalCheckFailed', 'None', 'None'))).toEqual(['user']);
  });

  it('name no part for a conflict or for any other error', () => {
    const names = ['user', 'guard'] as const;

    expect(failedConditions(names, cancelled('TransactionConflict', 'None'))).toEqual([]);
    expect(failedConditions(names, new Error('ConditionalCheckFailed'))).toEqual([]);
  });
});

describe('createDocumentClient', () => {
  it('refuses a second document client on one base client, whose options would overwrite the first', () => {
    const base = createDynamoDbClient({ endpoint: 'http://127.0.0.1:1' });
    createDocumentClient(base);

    expect(() => createDocumentClient(base)).toThrow(/already has a document client/);
    base.destroy();
  });
});
