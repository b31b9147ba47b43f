-- The mail flows: the outbox (a row per mail, written in the transaction of its change, claimed
-- by one replica's sender at a time), mailed tokens by their keyed hash (a new reset token
-- deletes the user's older ones, so only the newest can be spent), the per-address throttle
-- slots, and the decoy rows an anonymous request that sends nothing writes instead.
CREATE TABLE outbox (
  id text PRIMARY KEY,
  kind text NOT NULL,
  to_address text NOT NULL,
  name text NOT NULL,
  -- The raw mailed token, until the mail is sent or fails for good.
  token text,
  created_at timestamptz NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  sent_at timestamptz,
  expires_at timestamptz NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX outbox_expiry ON outbox (expires_at);

CREATE TABLE mail_tokens (
  hash text PRIMARY KEY,
  purpose text NOT NULL CHECK (purpose IN ('verify-email', 'reset-password')),
  user_id text NOT NULL,
  mailed_to text NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX mail_tokens_by_user ON mail_tokens (user_id, purpose);
CREATE INDEX mail_tokens_expiry ON mail_tokens (expires_at);

CREATE TABLE mail_throttle (
  kind text NOT NULL,
  email text NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (kind, email)
);
CREATE INDEX mail_throttle_expiry ON mail_throttle (expires_at);

CREATE TABLE mail_decoys (
  hash text NOT NULL,
  n integer NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (hash, n)
);
