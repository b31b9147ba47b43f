// The login-attempt port (users/login-attempts.ts) on SQL: every claim is one conditional upsert
// (INSERT … ON CONFLICT … DO UPDATE … WHERE the guard RETURNING the count), so the row's lock
// orders a burst and each claim is decided on the row as the claims before it left it; there is
// no read-then-write window. A failure and a give-back are single UPDATEs. A clear of the account
// deletes its clients' records in its own transaction, so no record from before a clear counts.
// A refused claim is read back for its Retry-After; when the row no longer refuses (the hold was
// lifted meanwhile) it is tried again, up to MAX_CLAIM_ROUNDS.
import type {
  AttemptClaim,
  AttemptRefused,
  ClaimOutcome,
  ClaimRequest,
  LoginAttempts,
} from '../../../users/login-attempts';
import type { ClearFailures } from '../../../users/repository';
import {
  addSeconds,
  epochOf as epoch,
  MAX_CLAIM_ROUNDS,
  secondsBetween,
} from '../../items/login-failure-items';
import type { SqlClient, SqlDatabase } from '../database';

/** Forgets every failure of the account as of `at`, its clients' records with it: part of a transaction. */
export const clearAccountFailures = async (
  tx: SqlClient,
  email: string,
  { at, keepForSeconds }: ClearFailures,
): Promise<void> => {
  await tx.query(
    `INSERT INTO login_failures_by_account (email, cleared_at, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT (email) DO UPDATE SET cleared_at = $2, expires_at = $3,
       failure_count = NULL, window_started_at = NULL, last_failed_at = NULL`,
    [email, at, epoch(at) + keepForSeconds],
  );
  await tx.query('DELETE FROM login_failures_by_client WHERE email = $1', [email]);
};

interface ClientRow {
  failure_count: number;
  held_until: Date | null;
  expires_at: string | number;
}

interface AccountRow {
  failure_count: number | null;
  window_started_at: Date | null;
}

export class SqlLoginAttempts implements LoginAttempts {
  constructor(private readonly db: SqlDatabase) {}

  async claim(request: ClaimRequest): Promise<ClaimOutcome> {
    const client = await this.claimClient(request);
    if ('refused' in client || request.ceiling === undefined) return client;
    const counted = await this.claimAccount(request, request.ceiling);
    if ('refused' in counted) {
      await this.giveBack(client.claimed, { clearClient: false });
      return counted;
    }
    return { claimed: { ...client.claimed, ...counted } };
  }

  async failed(claim: AttemptClaim, lockedUntil: string | undefined): Promise<void> {
    // Only a record still there: one a success deleted meanwhile came after this failure.
    await this.db.query(
      `UPDATE login_failures_by_client SET last_failed_at = $3, expires_at = $4,
         held_until = COALESCE($5::timestamptz, held_until)
       WHERE email = $1 AND client = $2`,
      [claim.email, claim.client, claim.at, epoch(claim.at) + claim.keepForSeconds, lockedUntil ?? null],
    );
  }

  async giveBack(claim: AttemptClaim, { clearClient }: { readonly clearClient: boolean }): Promise<void> {
    await Promise.all([
      claim.windowStartedAt === undefined
        ? undefined
        : this.db.query(
            `UPDATE login_failures_by_account SET failure_count = failure_count - 1
             WHERE email = $1 AND window_started_at = $2 AND failure_count > 0`,
            [claim.email, claim.windowStartedAt],
          ),
      clearClient
        ? this.db.query('DELETE FROM login_failures_by_client WHERE email = $1 AND client = $2', [
            claim.email,
            claim.client,
          ])
        : // The hold is lifted only while it is still this claim's (it may have outlived its check).
          this.db.query(
            `UPDATE login_failures_by_client SET failure_count = failure_count - 1,
               held_until = CASE WHEN held_until = $3::timestamptz THEN NULL ELSE held_until END
             WHERE email = $1 AND client = $2 AND failure_count > 0`,
            [claim.email, claim.client, claim.heldUntil ?? null],
          ),
    ]);
  }

  async clearAccount(email: string, at: string, keepForSeconds: number): Promise<void> {
    await this.db.transaction((tx) => clearAccountFailures(tx, email, { at, keepForSeconds }));
  }

  /**
   * One upsert: a record absent or expired starts over at 1; under `free` failures it adds one;
   * past them it adds one and holds the client, only when no hold or lock is on.
   */
  private async claimClient(
    request: ClaimRequest,
  ): Promise<{ readonly claimed: AttemptClaim } | { readonly refused: AttemptRefused }> {
    const { email, client, at, keepForSeconds } = request;
    const now = epoch(at);
    const holdUntil = addSeconds(at, request.holdSeconds);
    for (let round = 1; round <= MAX_CLAIM_ROUNDS; round++) {
      const { rows } = await this.db.query<{ failure_count: number; held: boolean }>(
        `INSERT INTO login_failures_by_client AS c (email, client, failure_count, expires_at)
         VALUES ($1, $2, 1, $3)
         ON CONFLICT (email, client) DO UPDATE SET
           failure_count = CASE WHEN c.expires_at <= $4 THEN 1 ELSE c.failure_count + 1 END,
           held_until = CASE WHEN c.expires_at <= $4 THEN NULL
                             WHEN c.failure_count < $5 THEN c.held_until
                             ELSE $6::timestamptz END,
           last_failed_at = CASE WHEN c.expires_at <= $4 THEN NULL ELSE c.last_failed_at END,
           expires_at = $3
         WHERE c.expires_at <= $4 OR c.failure_count < $5 OR c.held_until IS NULL
           OR c.held_until <= $7::timestamptz
         RETURNING failure_count, (failure_count > $5 AND held_until = $6::timestamptz) AS held`,
        [
          request.email,
          request.client,
          now + request.keepForSeconds,
          now,
          request.free,
          holdUntil,
          request.at,
        ],
      );
      const claimed = rows[0];
      if (claimed)
        return {
          claimed: {
            ...{ email, client, at, keepForSeconds, count: claimed.failure_count },
            ...(claimed.held && { heldUntil: holdUntil }),
          },
        };
      const held = await this.db.query<ClientRow>(
        'SELECT failure_count, held_until, expires_at FROM login_failures_by_client WHERE email = $1 AND client = $2',
        [request.email, request.client],
      );
      const row = held.rows[0];
      const heldUntil = row?.held_until?.toISOString();
      if (
        row &&
        Number(row.expires_at) > now &&
        row.failure_count >= request.free &&
        heldUntil !== undefined &&
        heldUntil > request.at
      )
        return { refused: { scope: 'client', retryAfterSeconds: secondsBetween(request.at, heldUntil) } };
    }
    return { refused: { scope: 'client', retryAfterSeconds: 1 } };
  }

  /** One upsert: an add in the account's open window while under the ceiling, or a new window at 1. */
  private async claimAccount(
    request: ClaimRequest,
    ceiling: NonNullable<ClaimRequest['ceiling']>,
  ): Promise<
    { readonly accountCount: number; readonly windowStartedAt: string } | { readonly refused: AttemptRefused }
  > {
    const floor = addSeconds(request.at, -ceiling.windowSeconds);
    for (let round = 1; round <= MAX_CLAIM_ROUNDS; round++) {
      const { rows } = await this.db.query<{ failure_count: number; window_started_at: Date }>(
        `INSERT INTO login_failures_by_account AS a (email, failure_count, window_started_at, expires_at)
         VALUES ($1, 1, $2, $3)
         ON CONFLICT (email) DO UPDATE SET
           failure_count = CASE WHEN a.window_started_at > $4::timestamptz
                                THEN COALESCE(a.failure_count, 0) + 1 ELSE 1 END,
           window_started_at = CASE WHEN a.window_started_at > $4::timestamptz
                                    THEN a.window_started_at ELSE $2::timestamptz END,
           expires_at = $3
         WHERE a.window_started_at IS NULL OR a.window_started_at <= $4::timestamptz
           OR COALESCE(a.failure_count, 0) < $5
         RETURNING failure_count, window_started_at`,
        [request.email, request.at, epoch(request.at) + request.keepForSeconds, floor, ceiling.limit],
      );
      const counted = rows[0];
      if (counted)
        return {
          accountCount: counted.failure_count,
          windowStartedAt: counted.window_started_at.toISOString(),
        };
      const { rows: current } = await this.db.query<AccountRow>(
        'SELECT failure_count, window_started_at FROM login_failures_by_account WHERE email = $1',
        [request.email],
      );
      const startedAt = current[0]?.window_started_at?.toISOString();
      if (startedAt !== undefined && startedAt > floor && (current[0]?.failure_count ?? 0) >= ceiling.limit) {
        const end = addSeconds(startedAt, ceiling.windowSeconds);
        return { refused: { scope: 'account', retryAfterSeconds: secondsBetween(request.at, end) } };
      }
    }
    return { refused: { scope: 'account', retryAfterSeconds: 1 } };
  }
}
