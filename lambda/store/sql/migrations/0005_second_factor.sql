-- The second factor: one TOTP factor per user (pending until its first code, then enabled, with
-- the last accepted step and the unused recovery codes' hashes), and the login challenges that
-- wait for a code.
CREATE TABLE totp_factors (
  user_id text PRIMARY KEY,
  sealed_secret text NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'enabled')),
  pending_expires_at bigint,
  last_step bigint,
  recovery_hashes text[] NOT NULL DEFAULT '{}'
);

CREATE TABLE mfa_challenges (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL,
  expires_at bigint NOT NULL,
  attempts integer NOT NULL
);
CREATE INDEX mfa_challenges_expiry ON mfa_challenges (expires_at);
