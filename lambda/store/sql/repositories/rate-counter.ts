// The rate limiter's counter on SQL: one upsert per request, no read, so concurrent requests on
// any replica each count once.
import type { RateCounter } from '../../../limits/rate-limits';
import type { SqlClient } from '../database';

export const sqlRateCounter = (db: SqlClient): RateCounter => ({
  async hit(...key) {
    const { rows } = await db.query<{ hits: number }>(
      `INSERT INTO rate_limit_windows (bucket, client, window_start, hits, expires_at)
       VALUES ($1, $2, $3, 1, $4)
       ON CONFLICT (bucket, client, window_start) DO UPDATE SET hits = rate_limit_windows.hits + 1
       RETURNING hits`,
      key,
    );
    return rows[0]?.hits ?? 0;
  },
});
