// The table itself, after each kind of write: a user and its email guard always come and go together.
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { MalformedItemError } from '../../lambda/store/attributes';
import { createDocumentClient, createDynamoDbClient } from '../../lambda/store/dynamodb-client';
import { itemFromUser } from '../../lambda/store/items/user-items';
import { DynamoDbLoginAttempts } from '../../lambda/store/login-failure-repository';
import { DynamoDbUserRepository } from '../../lambda/store/user-repository';
import { EmailTakenError } from '../../lambda/users/errors';
import type { ClaimOutcome } from '../../lambda/users/login-attempts';
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

  describe('login attempts: claimed before they are checked', () => {
    const attempts = () => new DynamoDbLoginAttempts(tableName, testDocumentClient());
    const request = (email: string, client: string, at = new Date().toISOString()) => ({
      email,
      client,
      at,
      free: 5,
      holdSeconds: 30,
      ceiling: { limit: 100, windowSeconds: 3600 },
      keepForSeconds: 600,
    });
    const claimed = (outcomes: readonly ClaimOutcome[]) =>
      outcomes.flatMap((outcome) => ('claimed' in outcome ? [outcome.claimed] : []));

    it('lets 20 concurrent claims of one client take exactly the five free attempts and one held one', async () => {
      const store = attempts();
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => store.claim(request('burst@example.com', '10.0.1.1'))),
      );

      const taken = claimed(outcomes);
      expect(taken.map((claim) => claim.count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(taken.map((claim) => claim.accountCount).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([
        1, 2, 3, 4, 5, 6,
      ]);
      expect(taken.filter((claim) => claim.heldUntil !== undefined)).toHaveLength(1);
      expect(outcomes.filter((outcome) => 'refused' in outcome)).toHaveLength(14);
    });

    it('refuses past the ceiling across clients, giving each refused client its claim back', async () => {
      const store = attempts();
      const tight = (client: string) => ({
        ...request('ceiling@example.com', client),
        ceiling: { limit: 3, windowSeconds: 3600 },
      });
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.claim(tight(`10.0.2.${i}`))),
      );

      // Never past the ceiling. (Fewer only when the SDK retried an add that had landed but whose
      // answer timed out on a saturated machine: a retry can only over-count, never let more in.)
      expect(claimed(outcomes).length).toBeGreaterThanOrEqual(1);
      expect(claimed(outcomes).length).toBeLessThanOrEqual(3);
      const refused = outcomes.flatMap((outcome) => ('refused' in outcome ? [outcome.refused] : []));
      expect(
        refused.every((refusal) => refusal.scope === 'account' && refusal.retryAfterSeconds > 3500),
      ).toBe(true);
      // A refused client's claim was given back: with the ceiling lifted, it is at its first attempt.
      const refusedIp = `10.0.2.${outcomes.findIndex((outcome) => 'refused' in outcome)}`;
      const next = await store.claim({ ...request('ceiling@example.com', refusedIp), ceiling: undefined });
      expect('claimed' in next && next.claimed.count).toBe(1);
    });

    it('lifts a hold given back, and starts a client over after the account is cleared', async () => {
      const store = attempts();
      const email = 'hold@example.com';
      for (let i = 0; i < 5; i++) await store.claim(request(email, '10.0.3.1'));
      const held = await store.claim(request(email, '10.0.3.1'));
      expect('refused' in (await store.claim(request(email, '10.0.3.1')))).toBe(true);
      if (!('claimed' in held)) throw new Error('the sixth claim was refused');
      await store.giveBack(held.claimed, { clearClient: false });
      const again = await store.claim(request(email, '10.0.3.1'));
      expect('claimed' in again && again.claimed.count).toBe(6);

      await store.clearAccount(email, new Date().toISOString(), 600);
      const fresh = await store.claim(request(email, '10.0.3.1', new Date(Date.now() + 10).toISOString()));
      expect('claimed' in fresh && [fresh.claimed.count, fresh.claimed.accountCount]).toEqual([1, 1]);
    });

    it('records a failure with its lock, and starts a client over once its record has expired', async () => {
      const store = attempts();
      const email = 'lock@example.com';
      const at = new Date().toISOString();
      const first = await store.claim({ ...request(email, '10.0.4.1', at), keepForSeconds: -10 });
      if (!('claimed' in first)) throw new Error('refused');
      const again = await store.claim(request(email, '10.0.4.1', at));
      expect('claimed' in again && again.claimed.count).toBe(1);
      for (let i = 0; i < 5; i++) {
        const claim = await store.claim(request(email, '10.0.4.1', at));
        if ('claimed' in claim)
          await store.failed(
            claim.claimed,
            i === 4 ? new Date(Date.parse(at) + 5000).toISOString() : undefined,
          );
      }
      const locked = await store.claim(
        request(email, '10.0.4.1', new Date(Date.parse(at) + 2000).toISOString()),
      );
      expect('refused' in locked && locked.refused).toEqual({ scope: 'client', retryAfterSeconds: 3 });
      const later = await store.claim(
        request(email, '10.0.4.1', new Date(Date.parse(at) + 5000).toISOString()),
      );
      expect('claimed' in later && later.claimed.count).toBe(7);
    });
  });
});
