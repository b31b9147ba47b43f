// The SQL store's outbox sender over real SMTP (the in-process catcher): each due mail sent once
// even with two replicas' senders at it, its token blanked once sent; a mail that cannot be sent
// retried with back-off and marked failed, token gone, after its last try. And the sweep.
import { randomUUID } from 'node:crypto';
import { silentLogger } from '../../lambda/shared/logger';
import { migrate } from '../../lambda/store/sql/migrate';
import { insertOutbox } from '../../lambda/store/sql/repositories/mail';
import { sweepExpired } from '../../lambda/store/sql/sweep';
import { freePort } from '../../local/dynamodb-local';
import { type MailCatcher, startMailCatcher } from '../../local/mail-catcher';
import { createSmtpSender } from '../../local/smtp-sender';
import { startOutboxSender } from '../../server/outbox-sender';
import { openTestDatabase, type TestDatabase } from '../support/sql';

const SETTINGS = { productName: 'User API', appUrl: 'http://localhost:8080' };

describe('outbox sender on PostgreSQL', () => {
  let test: TestDatabase;
  let catcher: MailCatcher;
  beforeAll(async () => {
    test = await openTestDatabase('postgres');
    await migrate(test.db);
    catcher = await startMailCatcher();
  });
  afterAll(async () => {
    await catcher.stop();
    await test.close();
  });

  it('sends each due mail once with two replicas’ senders racing, and blanks its token', async () => {
    const to = `outbox-${randomUUID().slice(0, 8)}@example.com`;
    const mails = Array.from({ length: 12 }, (_, i) => ({
      kind: 'reset-password' as const,
      to,
      name: 'Ada',
      token: `token${i}${randomUUID().replaceAll('-', '')}`,
    }));
    await insertOutbox(test.db, mails, randomUUID, new Date());
    const senders = [test.db, test.another()].map((db) =>
      startOutboxSender({
        db,
        sender: createSmtpSender(catcher.port, 'User API <no-reply@localhost>'),
        settings: SETTINGS,
        logger: silentLogger,
        clock: () => new Date(),
        batchSize: 3,
      }),
    );
    const deadline = Date.now() + 20_000;
    while (catcher.inbox(to).length < 12 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await Promise.all(senders.map((sender) => sender.stop()));
    expect(
      catcher
        .inbox(to)
        .map((mail) => mail.token)
        .sort(),
    ).toEqual(mails.map((mail) => mail.token).sort());
    const { rows } = await test.db.query('SELECT state, token FROM outbox WHERE to_address = $1', [to]);
    expect(rows).toHaveLength(12);
    expect(rows.every((row) => row.state === 'sent' && row.token === null)).toBe(true);
  });

  it('retries a mail it cannot send, then marks it failed after its last try, token gone', async () => {
    const to = `unsent-${randomUUID().slice(0, 8)}@example.com`;
    await insertOutbox(
      test.db,
      [{ kind: 'verify-email', to, name: 'Ada', token: 'never-sent' }],
      randomUUID,
      new Date(),
    );
    let now = Date.now();
    const sender = startOutboxSender({
      db: test.db,
      // Nothing listens there: every send fails as an unreachable SMTP server does.
      sender: createSmtpSender(await freePort(), 'User API <no-reply@localhost>'),
      settings: SETTINGS,
      logger: silentLogger,
      clock: () => new Date(now),
      maxAttempts: 3,
      pollMs: 60_000,
    });
    await sender.stop();
    const state = async () =>
      (
        await test.db.query(
          'SELECT state, attempts, token, next_attempt_at FROM outbox WHERE to_address = $1',
          [to],
        )
      ).rows[0];
    expect(await state()).toMatchObject({ state: 'pending', attempts: 1, token: 'never-sent' });
    // Not due again until its back-off has passed.
    expect(await sender.runOnce()).toBe(0);
    expect(await state()).toMatchObject({ attempts: 1 });
    for (const attempt of [2, 3]) {
      now += 3_600_000;
      await sender.runOnce();
      expect(await state()).toMatchObject({ attempts: attempt });
    }
    expect(await state()).toMatchObject({ state: 'failed', token: null });
  });

  it('sweeps rows past their expiry and leaves live ones', async () => {
    const now = new Date();
    const epoch = Math.floor(now.getTime() / 1000);
    await test.db.query(
      `INSERT INTO rate_limit_windows (bucket, client, window_start, hits, expires_at)
       VALUES ('login', 'swept', 1, 1, $1), ('login', 'kept', 1, 1, $2)`,
      [epoch - 1, epoch + 60],
    );
    const swept = await sweepExpired(test.db, now);
    expect(swept.rate_limit_windows).toBeGreaterThanOrEqual(1);
    const { rows } = await test.db.query(
      "SELECT client FROM rate_limit_windows WHERE client IN ('swept', 'kept')",
    );
    expect(rows).toEqual([{ client: 'kept' }]);
  });
});
