// The SQL store's sweep: rows past their expiry deleted, table by table (DynamoDB's TTL does this
// on the stack). Reads never trust an expired row anyway; the sweep keeps the tables small.
// Every replica may sweep at once: each DELETE only removes what is already dead.
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/logger';
import type { SqlClient } from './database';

/** Each table, the condition that makes a row dead at `$1`, and whether `$1` is epoch seconds or a timestamp. */
const DEAD: readonly (readonly [table: string, condition: string, now: 'epoch' | 'timestamp'])[] = [
  ['sessions', 'expires_at <= $1', 'epoch'],
  ['mail_tokens', 'expires_at <= $1', 'epoch'],
  ['mail_throttle', 'expires_at <= $1', 'epoch'],
  ['mail_decoys', 'expires_at <= $1', 'epoch'],
  ['rate_limit_windows', 'expires_at <= $1', 'epoch'],
  ['login_failures_by_client', 'expires_at <= $1', 'epoch'],
  ['login_failures_by_account', 'expires_at <= $1', 'epoch'],
  ['mfa_challenges', 'expires_at <= $1', 'epoch'],
  ['totp_factors', "state = 'pending' AND pending_expires_at <= $1", 'epoch'],
  ['audit_events', 'expires_at <= $1', 'timestamp'],
  ['outbox', 'expires_at <= $1', 'timestamp'],
];

/** Deletes every dead row; the count per table that had any. */
export const sweepExpired = async (db: SqlClient, now: Date): Promise<Record<string, number>> => {
  const swept: Record<string, number> = {};
  for (const [table, condition, kind] of DEAD) {
    const at = kind === 'epoch' ? Math.floor(now.getTime() / 1000) : now.toISOString();
    const { rowCount } = await db.query(`DELETE FROM ${table} WHERE ${condition}`, [at]);
    if (rowCount > 0) swept[table] = rowCount;
  }
  return swept;
};

export const startSweeper = (options: {
  readonly db: SqlClient;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly everyMs?: number;
}): { stop(): Promise<void> } => {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = sweepExpired(options.db, options.clock()).then(
      (swept) => Object.keys(swept).length > 0 && options.logger.info('Swept expired rows', swept),
      (error: unknown) => options.logger.warn('The sweep failed; it runs again later', { error }),
    );
  }, options.everyMs ?? 60_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
};
