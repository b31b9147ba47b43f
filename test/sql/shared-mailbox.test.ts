// `--catch-mail` on PostgreSQL: the replicas' shared inbox (server/shared-mailbox.ts), on a real
// PostgreSQL. Replicas start together, so their first reads and writes race to make the table.
import { openSharedMailbox, type SharedMailbox } from '../../server/shared-mailbox';
import { createPostgresDatabase } from '../support/sql';

const mail = (to: string, n: number) => ({
  to,
  subject: `Mail ${n}`,
  text: `Open http://localhost/account/verify-email?token=t${n}`,
  sent_at: new Date(Date.UTC(2026, 11, 6, 12, 0, n)).toISOString(),
  token: `t${n}`,
});

describe('the shared --catch-mail inbox', () => {
  const opened: SharedMailbox[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((mailbox) => mailbox.close()));
  });

  it('answers eight replicas that make its table at once, and each sees every mail, newest first', async () => {
    const url = await createPostgresDatabase();
    const replicas = Array.from({ length: 8 }, () => openSharedMailbox(url));
    opened.push(...replicas);
    // The first calls of all eight race to create the table: none may fail.
    await Promise.all(
      replicas.map((replica, n) => (n % 2 ? replica.list() : replica.add(mail('a@example.com', n)))),
    );
    for (const replica of replicas) {
      const listed = await replica.list('A@example.com ');
      expect(listed.map((caught) => caught.subject)).toEqual(['Mail 6', 'Mail 4', 'Mail 2', 'Mail 0']);
      expect(listed[0]).toEqual(mail('a@example.com', 6));
      expect(await replica.list('b@example.com')).toEqual([]);
    }
  });
});
