// The SQL store's mail sender, one in each replica: it claims due outbox rows with
// FOR UPDATE SKIP LOCKED (so no two replicas take the same row) by pushing their next attempt a
// lease into the future, sends them outside any transaction (PGlite has one connection to
// share), and marks each sent, or due again after a back-off, or failed after its last try. A
// replica that dies mid-send leaves its rows to be claimed again once the lease has passed.
import type { MailKind } from '../lambda/mail/mail';
import { type MailSettings, renderMail } from '../lambda/mail/templates';
import type { MailSender } from '../lambda/mailer/create-mailer';
import type { Clock } from '../lambda/shared/clock';
import type { Logger } from '../lambda/shared/logger';
import type { SqlDatabase } from '../lambda/store/sql/database';

export interface OutboxSenderOptions {
  readonly db: SqlDatabase;
  readonly sender: MailSender;
  readonly settings: MailSettings;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly pollMs?: number;
  readonly batchSize?: number;
  /** Tries per mail before it is marked failed. */
  readonly maxAttempts?: number;
  /** How long a claimed row is left to its claimer before another replica may take it. */
  readonly leaseSeconds?: number;
  /** The first retry's delay; each later one doubles, up to ten minutes. */
  readonly backoffSeconds?: number;
}

export interface OutboxSender {
  /** One round: claims what is due and sends it; resolves with how many it sent. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

interface ClaimedRow {
  id: string;
  kind: MailKind;
  to_address: string;
  name: string;
  token: string | null;
  attempts: number;
  /** bigint: pg hands it over as a string. */
  seq: string | number;
}

const MAX_BACKOFF_SECONDS = 600;

export const startOutboxSender = (options: OutboxSenderOptions): OutboxSender => {
  const { db, logger } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const at = (secondsFromNow: number) =>
    new Date(options.clock().getTime() + secondsFromNow * 1000).toISOString();

  const claim = async (): Promise<ClaimedRow[]> =>
    (
      await db.query<ClaimedRow>(
        `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $3
         WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $1
                      ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING id, kind, to_address, name, token, attempts, seq`,
        [at(0), options.batchSize ?? 10, at(options.leaseSeconds ?? 60)],
      )
    ).rows;

  const deliver = async (row: ClaimedRow): Promise<boolean> => {
    const mail = {
      kind: row.kind,
      to: row.to_address,
      name: row.name,
      ...(row.token ? { token: row.token } : {}),
    };
    try {
      await options.sender.send(renderMail(mail, options.settings));
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown';
      if (row.attempts >= maxAttempts) {
        // The token goes with the mail: it was never delivered, so nobody may use it.
        await db.query("UPDATE outbox SET state = 'failed', token = NULL WHERE id = $1", [row.id]);
        logger.error('Mail failed after its last try', {
          kind: row.kind,
          outboxId: row.id,
          attempts: row.attempts,
          error: reason,
        });
      } else {
        const delay = Math.min((options.backoffSeconds ?? 5) * 2 ** (row.attempts - 1), MAX_BACKOFF_SECONDS);
        await db.query('UPDATE outbox SET next_attempt_at = $2 WHERE id = $1', [row.id, at(delay)]);
        logger.warn('Mail not sent; will retry', {
          kind: row.kind,
          outboxId: row.id,
          attempts: row.attempts,
          error: reason,
        });
      }
      return false;
    }
    await db.query("UPDATE outbox SET state = 'sent', sent_at = $2, token = NULL WHERE id = $1", [
      row.id,
      at(0),
    ]);
    logger.info('Mail sent', { kind: row.kind, outboxId: row.id });
    return true;
  };

  /** One by one, oldest first: mails caused one after another arrive in that order. */
  const runOnce = async (): Promise<number> => {
    const claimed = (await claim()).sort((a, b) => Number(a.seq) - Number(b.seq));
    let sent = 0;
    for (const row of claimed) if (await deliver(row)) sent += 1;
    return sent;
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const loop = () => {
    if (stopped) return;
    running = runOnce()
      .catch((error: unknown) => logger.warn('The outbox could not be read; trying again', { error }))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, options.pollMs ?? 500);
      });
  };
  loop();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
};
