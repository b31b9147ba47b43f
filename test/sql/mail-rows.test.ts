// What the SQL store keeps for mail beyond the shared contract: an issued token's outbox row
// (pending, due at once, holding the raw token until it is sent), and a new reset token voiding
// the user's older ones, so only the newest can be spent.
import { randomUUID } from 'node:crypto';
import type { MailToken } from '../../lambda/mail/mail';
import { migrate } from '../../lambda/store/sql/migrate';
import { SqlMailRepository, spendToken } from '../../lambda/store/sql/repositories/mail';
import { openTestDatabase, SQL_STORES, type TestDatabase } from '../support/sql';

const NOW = new Date('2026-12-06T00:00:00.000Z');
const NOW_EPOCH = NOW.getTime() / 1000;

describe.each(SQL_STORES)('mail rows on %s', (kind) => {
  let test: TestDatabase;
  let mail: SqlMailRepository;
  beforeAll(async () => {
    test = await openTestDatabase(kind);
    await migrate(test.db);
    mail = new SqlMailRepository(test.db, { auditRetentionDays: 365, clock: () => NOW, newId: randomUUID });
  });
  afterAll(() => test.close());

  const resetToken = (userId: string): MailToken => ({
    hash: randomUUID(),
    purpose: 'reset-password',
    userId,
    email: 'ada@example.com',
    expiresAt: NOW_EPOCH + 3600,
  });

  it('writes the outbox row of an issued token: pending, due now, with the raw token', async () => {
    const token = resetToken(randomUUID());
    await mail.issueToken(
      token,
      { kind: 'reset-password', to: token.email, name: 'Ada', token: 'raw-token' },
      [],
    );
    const { rows } = await test.db.query(
      'SELECT kind, to_address, token, state, attempts, next_attempt_at FROM outbox WHERE token = $1',
      ['raw-token'],
    );
    expect(rows).toEqual([
      {
        kind: 'reset-password',
        to_address: 'ada@example.com',
        token: 'raw-token',
        state: 'pending',
        attempts: 0,
        next_attempt_at: NOW,
      },
    ]);
  });

  it('voids the older reset tokens of a user when a new one is issued; a token is spent once', async () => {
    const userId = randomUUID();
    const older = resetToken(userId);
    const newer = resetToken(userId);
    const message = { kind: 'reset-password', to: 'ada@example.com', name: 'Ada' } as const;
    await mail.issueToken(older, message, []);
    await mail.issueToken(newer, message, []);
    expect(await mail.getToken(older.hash)).toBeUndefined();
    expect(await spendToken(test.db, older, NOW_EPOCH)).toBe(false);
    expect(await spendToken(test.db, newer, NOW_EPOCH + 3600)).toBe(false);
    const spent = await Promise.all([1, 2, 3].map(() => spendToken(test.db, newer, NOW_EPOCH)));
    expect(spent.filter(Boolean)).toHaveLength(1);
  });
});
