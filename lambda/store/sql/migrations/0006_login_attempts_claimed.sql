-- Login attempts are claimed before they are checked (users/login-attempts.ts): a client's record
-- counts claimed attempts, holds the client while one past the free ones is checked (held_until,
-- then the lock a failure earns), and has a last_failed_at only once one failed. A clear of the
-- account now deletes its clients' records in the same transaction, so the records an older clear
-- retired are deleted here too.
ALTER TABLE login_failures_by_client ALTER COLUMN last_failed_at DROP NOT NULL;
ALTER TABLE login_failures_by_client ADD COLUMN held_until timestamptz;
DELETE FROM login_failures_by_client AS c
  USING login_failures_by_account AS a
  WHERE a.email = c.email AND a.cleared_at IS NOT NULL AND c.last_failed_at <= a.cleared_at;
