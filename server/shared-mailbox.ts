// `--catch-mail` on PostgreSQL: every replica's catcher also keeps what it catches in one table,
// so GET /_local/inbox on any replica shows the mail whichever replica's sender sent it. A tool
// for trying the service out and for tests, like the catcher: the table is made when first used,
// outside the migrations, and a deployment that sends real mail (SMTP_URL) never has it.
import pg from 'pg';
import type { CaughtMail, Mailbox } from '../local/mail-catcher';

export interface SharedMailbox extends Mailbox {
  add(mail: CaughtMail): Promise<void>;
  close(): Promise<void>;
}

const CREATE = `CREATE TABLE IF NOT EXISTS caught_mail (
  id bigserial PRIMARY KEY,
  to_address text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  token text,
  sent_at timestamptz NOT NULL
)`;

export const openSharedMailbox = (databaseUrl: string): SharedMailbox => {
  // Two connections: the catcher's writes and the inbox's reads; the store's pool is the API's.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  // A PostgreSQL that goes away ends idle connections with an error event: without a listener it
  // would end the process (the store's own pool listens the same way).
  pool.on('error', () => undefined);
  let created: Promise<unknown> | undefined;
  const ready = async () => {
    created ??= pool.query(CREATE).catch((error: unknown) => {
      // Replicas starting together race to create it: PostgreSQL lets one win and fails the others
      // on the winner's row type (23505, 42710) or table (42P07), which means it is there.
      if (['23505', '42710', '42P07'].includes((error as { code?: string }).code ?? '')) return;
      created = undefined;
      throw error;
    });
    await created;
  };
  return {
    async add(mail) {
      await ready();
      await pool.query(
        'INSERT INTO caught_mail (to_address, subject, body, token, sent_at) VALUES ($1, $2, $3, $4, $5)',
        [mail.to, mail.subject, mail.text, mail.token ?? null, mail.sent_at],
      );
    },
    async list(to) {
      await ready();
      const { rows } = await pool.query<{
        to_address: string;
        subject: string;
        body: string;
        token: string | null;
        sent_at: Date;
      }>(
        `SELECT to_address, subject, body, token, sent_at FROM caught_mail
         WHERE $1::text IS NULL OR to_address = $1 ORDER BY sent_at DESC, id DESC`,
        [to === undefined ? null : to.trim().toLowerCase()],
      );
      return rows.map((row) => ({
        to: row.to_address,
        subject: row.subject,
        text: row.body,
        sent_at: row.sent_at.toISOString(),
        ...(row.token !== null && { token: row.token }),
      }));
    },
    close: () => pool.end(),
  };
};
